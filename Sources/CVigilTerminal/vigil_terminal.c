#include "vigil_terminal.h"

#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGQUIT};
#define NFATAL (int)(sizeof fatal / sizeof fatal[0])

static struct termios saved;
static int have_saved;
static char restore_bytes[256];
static size_t restore_length;
static struct sigaction previous[NFATAL];

static void restore_terminal(int sig) {
    if (restore_length) {
        ssize_t ignored = write(STDOUT_FILENO, restore_bytes, restore_length);
        (void)ignored;
    }
    if (have_saved) tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    /* The handler from before takes over: raised again, the signal ends the process as it would have. */
    for (int i = 0; i < NFATAL; i++) {
        if (fatal[i] == sig) sigaction(sig, &previous[i], NULL);
    }
    raise(sig);
}

int vigil_terminal_save(void) {
    have_saved = tcgetattr(STDIN_FILENO, &saved) == 0;
    return have_saved ? 0 : -1;
}

int vigil_terminal_guard_install(const char *restore) {
    restore_length = 0;
    if (restore) {
        size_t n = strlen(restore);
        if (n >= sizeof restore_bytes) n = sizeof restore_bytes - 1;
        memcpy(restore_bytes, restore, n);
        restore_length = n;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = restore_terminal;
    action.sa_flags = SA_NODEFER;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < NFATAL; i++) {
        if (sigaction(fatal[i], &action, &previous[i]) != 0) return -1;
    }
    return 0;
}

void vigil_terminal_guard_remove(void) {
    for (int i = 0; i < NFATAL; i++) sigaction(fatal[i], &previous[i], NULL);
}

static volatile sig_atomic_t stop_signal;

static void note_stop(int sig) { stop_signal = sig; }

int vigil_terminal_watch_stop_signals(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = note_stop;
    sigemptyset(&action.sa_mask);
    const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (int i = 0; i < 3; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}

int vigil_terminal_stop_signal(void) { return stop_signal; }
