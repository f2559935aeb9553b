/** What can stop the containerlab runtime before a lab exists, each saying what to install and how. */
import { RuntimeError } from '../errors.js';

export const CONTAINERLAB_ENV = 'FLATLAB_CONTAINERLAB';

export class ContainerlabMissingError extends RuntimeError {
  constructor(tried: string) {
    super('containerlab.missing', `the containerlab CLI was not found (${tried})`, {
      hint: `install containerlab as its install page says (containerlab.dev/install), or set ${CONTAINERLAB_ENV}=/path/to/containerlab; without it use --runtime netns`,
    });
  }
}

export class DockerUnavailableError extends RuntimeError {
  constructor(where: string, why: string) {
    super('containerlab.docker-unavailable', `cannot reach the Docker engine at ${where}: ${why}`, {
      hint: 'install Docker (apt-get install docker.io) and start it (systemctl start docker, or run dockerd as root); DOCKER_HOST selects another engine',
    });
  }
}

export class ImageMissingError extends RuntimeError {
  constructor(images: string[]) {
    super('containerlab.image-missing', `node image${images.length > 1 ? 's' : ''} ${images.join(', ')} ${images.length > 1 ? 'are' : 'is'} not in the local Docker engine and flatlab has no recipe to build ${images.length > 1 ? 'them' : 'it'}`, {
      hint: 'docker load or docker build the image yourself, or set the node\'s image: to one that exists (flatlab builds flatlab/host, bird, gobgp and flatlab -local images itself)',
    });
  }
}
