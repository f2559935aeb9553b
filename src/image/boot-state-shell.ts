/**
 * The boot-state record and the slot rules in busybox sh, for the initramfs, the supervisor and
 * the in-guest updater. It mirrors boot-state.ts and slot-choice.ts line for line; the
 * differential test (test/image/boot-state-shell.test.ts) runs both on the same records and
 * operations and compares the bytes written.
 *
 * Functions (state in BS_SEQ BS_ACTIVE BS_TRIES BS_{A,B}_{VERSION,GOOD,HASH,SIZE,VERITY}; scratch files
 * in $BS_TMP, default /tmp):
 *   bs_read DEV            load the valid copy with the highest seq; status 1 when none is valid
 *   bs_write DEV           seq+1, written to copy seq%2 (1 KiB blocks)
 *   bs_choose              BS_BOOT, BS_REASON (good|trial|fallback), BS_CHANGED (0|1)
 *   bs_mark_good SLOT
 *   bs_update VERSION HASH SIZE VERITY [BOOTED] [TRIES]   BS_TARGET; status 1 when BOOTED is the target
 */
import { shellText } from './shell-text.js';

export const bootStateShell = shellText`
BS_MAGIC='FLATRACOON-BOOTSTATE 2'
BS_COPY=1024

bs_tmp() { echo "\${BS_TMP:-/tmp}"; }

# No leading zeros and at most 15 digits: ash arithmetic reads 010 as octal.
bs_num() {
  case $1 in ''|*[!0-9]*|0?*) return 1 ;; esac
  [ \${#1} -le 15 ]
}

bs_slot_text() {
  printf '%s.version=%s\n%s.good=%s\n%s.hash=%s\n%s.size=%s\n%s.verity=%s\n' "$1" "$2" "$1" "$3" "$1" "$4" "$1" "$5" "$1" "$6"
}

# bs_text SEQ ACTIVE TRIES AV AG AH AS AR BV BG BH BS BR: the whole record, sum line included.
bs_text() {
  _t=$(bs_tmp)/bs-body.$$
  {
    printf '%s\nseq=%s\nactive=%s\ntries=%s\n' "$BS_MAGIC" "$1" "$2" "$3"
    bs_slot_text A "$4" "$5" "$6" "$7" "$8"
    bs_slot_text B "$9" "\${10}" "\${11}" "\${12}" "\${13}"
  } > "$_t"
  cat "$_t"
  printf 'sum=%s\n' "$(sha256sum < "$_t" | cut -d' ' -f1)"
  rm -f "$_t"
}

bs_hash_or_dash() {
  case $1 in
    -) ;;
    ''|*[!0-9a-f]*) return 1 ;;
    *) [ \${#1} -eq 64 ] || return 1 ;;
  esac
}

bs_valid_slot() { # VERSION GOOD HASH SIZE VERITY
  case $1 in ''|*[!A-Za-z0-9._+-]*) return 1 ;; esac
  [ \${#1} -le 32 ] || return 1
  case $2 in 0|1) ;; *) return 1 ;; esac
  bs_hash_or_dash "$3" || return 1
  bs_hash_or_dash "$5" || return 1
  bs_num "$4"
}

# bs_parse FILE: P_* from one NUL-stripped copy; status 0 only if the copy is valid.
bs_parse() {
  P_SEQ= P_ACTIVE= P_TRIES= P_AV= P_AG= P_AH= P_AS= P_AR= P_BV= P_BG= P_BH= P_BS= P_BR=
  [ "$(head -n 1 "$1")" = "$BS_MAGIC" ] || return 1
  while IFS= read -r _l || [ -n "$_l" ]; do
    _k=\${_l%%=*}
    _v=\${_l#*=}
    [ "$_k" = "$_l" ] && continue
    case $_k in
      seq) P_SEQ=$_v ;; active) P_ACTIVE=$_v ;; tries) P_TRIES=$_v ;;
      A.version) P_AV=$_v ;; A.good) P_AG=$_v ;; A.hash) P_AH=$_v ;; A.size) P_AS=$_v ;; A.verity) P_AR=$_v ;;
      B.version) P_BV=$_v ;; B.good) P_BG=$_v ;; B.hash) P_BH=$_v ;; B.size) P_BS=$_v ;; B.verity) P_BR=$_v ;;
    esac
  done < "$1"
  bs_num "$P_SEQ" && bs_num "$P_TRIES" || return 1
  case $P_ACTIVE in A|B) ;; *) return 1 ;; esac
  bs_valid_slot "$P_AV" "$P_AG" "$P_AH" "$P_AS" "$P_AR" || return 1
  bs_valid_slot "$P_BV" "$P_BG" "$P_BH" "$P_BS" "$P_BR" || return 1
  _c=$(bs_tmp)/bs-canon.$$
  bs_text "$P_SEQ" "$P_ACTIVE" "$P_TRIES" "$P_AV" "$P_AG" "$P_AH" "$P_AS" "$P_AR" "$P_BV" "$P_BG" "$P_BH" "$P_BS" "$P_BR" > "$_c"
  cmp -s "$_c" "$1"
  _r=$?
  rm -f "$_c"
  return $_r
}

bs_read() {
  _found=
  for _i in 0 1; do
    _f=$(bs_tmp)/bs-copy$_i.$$
    dd if="$1" bs=$BS_COPY skip=$_i count=1 2>/dev/null | tr -d '\000' > "$_f"
    if bs_parse "$_f" && { [ -z "$_found" ] || [ "$P_SEQ" -gt "$BS_SEQ" ]; }; then
      _found=1
      BS_SEQ=$P_SEQ BS_ACTIVE=$P_ACTIVE BS_TRIES=$P_TRIES
      BS_A_VERSION=$P_AV BS_A_GOOD=$P_AG BS_A_HASH=$P_AH BS_A_SIZE=$P_AS BS_A_VERITY=$P_AR
      BS_B_VERSION=$P_BV BS_B_GOOD=$P_BG BS_B_HASH=$P_BH BS_B_SIZE=$P_BS BS_B_VERITY=$P_BR
    fi
    rm -f "$_f"
  done
  [ -n "$_found" ]
}

bs_write() {
  BS_SEQ=$((BS_SEQ + 1))
  _w=$(bs_tmp)/bs-write.$$
  bs_text "$BS_SEQ" "$BS_ACTIVE" "$BS_TRIES" "$BS_A_VERSION" "$BS_A_GOOD" "$BS_A_HASH" "$BS_A_SIZE" "$BS_A_VERITY" "$BS_B_VERSION" "$BS_B_GOOD" "$BS_B_HASH" "$BS_B_SIZE" "$BS_B_VERITY" > "$_w"
  dd if="$_w" of="$1" bs=$BS_COPY seek=$((BS_SEQ % 2)) count=1 conv=sync,notrunc 2>/dev/null
  _r=$?
  rm -f "$_w"
  sync
  return $_r
}

bs_other() { if [ "$1" = A ]; then echo B; else echo A; fi; }
bs_good() { eval "[ \"\$BS_$1_GOOD\" = 1 ]"; }

bs_choose() {
  if bs_good "$BS_ACTIVE"; then
    BS_BOOT=$BS_ACTIVE BS_REASON=good BS_CHANGED=0
  elif [ "$BS_TRIES" -gt 0 ]; then
    BS_TRIES=$((BS_TRIES - 1))
    BS_BOOT=$BS_ACTIVE BS_REASON=trial BS_CHANGED=1
  else
    BS_ACTIVE=$(bs_other "$BS_ACTIVE")
    BS_TRIES=0
    BS_BOOT=$BS_ACTIVE BS_REASON=fallback BS_CHANGED=1
  fi
}

bs_mark_good() {
  eval "BS_$1_GOOD=1"
  [ "$1" = "$BS_ACTIVE" ] && BS_TRIES=0
  return 0
}

bs_update() {
  if bs_good "$BS_ACTIVE"; then BS_TARGET=$(bs_other "$BS_ACTIVE"); else BS_TARGET=$BS_ACTIVE; fi
  if [ -n "$5" ] && [ "$5" = "$BS_TARGET" ]; then
    echo "slot $BS_TARGET is on trial and is the running root; it cannot be overwritten now" >&2
    return 1
  fi
  eval "BS_\${BS_TARGET}_VERSION=\$1 BS_\${BS_TARGET}_GOOD=0 BS_\${BS_TARGET}_HASH=\$2 BS_\${BS_TARGET}_SIZE=\$3 BS_\${BS_TARGET}_VERITY=\$4"
  BS_ACTIVE=$BS_TARGET
  BS_TRIES=\${6:-1}
}
`;
