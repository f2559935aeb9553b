/**
 * Files for the services a plain `linux` node can run in a lab: an nftables ruleset
 * (`nftables.nft`, loaded with `nft -f` before anything else) and a static web page
 * (`www/index.html`, served by busybox httpd). A node without `config.nftables` or
 * `config.http` gets no file, and the netns runtime then skips the command that names it.
 */
import type { ConfigFile, ConfigWriter } from './config-file.js';

export const nftablesConfig: ConfigWriter = (lab, node) => {
  const rules = node.config.nftables;
  if (typeof rules !== 'string' || rules.trim() === '') return [];
  return [{ path: 'nftables.nft', content: `# nftables ruleset for node ${node.name} of lab ${lab.name}, written by flatlab generate; edits are overwritten.\n${rules.endsWith('\n') ? rules : `${rules}\n`}` }];
};

export const httpConfig: ConfigWriter = (_lab, node) => {
  const page = node.config.http;
  if (typeof page !== 'string') return [];
  const file: ConfigFile = { path: 'www/index.html', content: page.endsWith('\n') ? page : `${page}\n` };
  return [file];
};
