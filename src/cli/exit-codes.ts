/** The CLI contract's exit codes (design.md). Scripts depend on them. */
export const EXIT_OK = 0;
/** The thing checked failed: an invalid topology for `validate`, a failed scenario for `run`. */
export const EXIT_FAILED = 1;
/** Usage or input error: bad flags, unreadable or invalid input for a verb that is not checking it. */
export const EXIT_USAGE = 2;
