#ifndef VIGIL_TERMINAL_H
#define VIGIL_TERMINAL_H

/* The console's last line of defence: if it dies of a fatal signal (a
 * Swift trap is SIGILL or SIGTRAP; Ctrl-\ is SIGQUIT), the terminal is put
 * back as it was before the console took it -- the termios saved by
 * vigil_terminal_save, and `restore`, the terminal's own strings to leave
 * keypad mode and the alternate screen, reset attributes and show the
 * cursor -- then the handler that was there before (Swift's backtracer, or
 * the default) gets the signal. Only async-signal-safe calls in the
 * handler: write(2), tcsetattr(3), sigaction(2), raise(3). */
int vigil_terminal_save(void);
int vigil_terminal_guard_install(const char *restore);

/* Undo the guard (normal exit: endwin already restored the terminal). */
void vigil_terminal_guard_remove(void);

/* SIGINT, SIGTERM and SIGHUP only note that they came (the console's loop
 * reads it and ends, restoring the terminal); 0 until one does. */
int vigil_terminal_watch_stop_signals(void);
int vigil_terminal_stop_signal(void);

#endif
