/* interrupt.h: no partial output when the run is cut short. SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT and SIGPIPE remove the staging directory
 * (outdir.h) or the temporary file (outfile.h) in progress, then end the
 * process with the same signal (its default action). SIGXFSZ (a file size
 * limit, `ulimit -f`) is ignored, so the write fails with EFBIG and the
 * command exits 1 through its ordinary error path.
 *
 * The handler may run on any thread (OpenMP's too); it uses only
 * async-signal-safe calls (open, getdents64, unlinkat, rmdir, unlink,
 * sigaction, raise). A critical section (creating the staging path and
 * registering it; renaming results into place) defers a signal that
 * arrives meanwhile to its end, so a signal never races the renames. */
#ifndef DDPM_INTERRUPT_H
#define DDPM_INTERRUPT_H

/* Installs the handlers; once, at the start of main. */
void interrupt_install(void);

/* The staging directory now in progress (NULL: none). Everything in it is
 * removed on a signal (it is flat: files only). */
void interrupt_staging_dir(const char *dir);
/* The temporary file now in progress (NULL: none). */
void interrupt_temp_file(const char *path);

/* Ends the process at once with exit status 1 after removing the output
 * in progress and writing msg (one line, with its newline) on stderr: for
 * failures that cannot be returned, such as GMP's allocation failures. */
void interrupt_fatal(const char *msg) __attribute__((noreturn));

/* Signals arriving between enter and leave are acted on at leave. */
void interrupt_enter_critical(void);
void interrupt_leave_critical(void);

#endif
