// ncursesw for Swift: wide-character API, plus accessors for the globals and
// macros Swift cannot import (function-like or not concurrency-safe).
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/ncurses.h>

static inline WINDOW *vigil_stdscr(void) { return stdscr; }
static inline int vigil_lines(void) { return LINES; }
static inline int vigil_cols(void) { return COLS; }
static inline int vigil_colors(void) { return COLORS; }
static inline attr_t vigil_a_bold(void) { return A_BOLD; }
static inline attr_t vigil_a_reverse(void) { return A_REVERSE; }
static inline attr_t vigil_color_pair(short pair) { return COLOR_PAIR(pair); }
static inline attr_t vigil_a_dim(void) { return A_DIM; }
static inline attr_t vigil_a_underline(void) { return A_UNDERLINE; }
static inline attr_t vigil_a_normal(void) { return A_NORMAL; }
static inline int vigil_set_attributes(attr_t attributes, short pair) { return wattr_set(stdscr, attributes, pair, NULL); }
static inline int vigil_key_resize(void) { return KEY_RESIZE; }
static inline int vigil_key_code_yes(void) { return KEY_CODE_YES; }
static inline int vigil_err(void) { return ERR; }
