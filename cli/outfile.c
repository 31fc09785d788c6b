/* outfile.c: atomic single-file output (see outfile.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interrupt.h"
#include "outfile.h"

int output_create_status(int err)
{
  switch (err) {
  case ENOSPC: case EDQUOT: case EMFILE: case ENFILE: case EIO: case ENOMEM:
    return DDPM_EINTERNAL;
  default:
    return DDPM_EINPUT;
  }
}

int outfile_begin(outfile *o, const char *target, int force, ddpm_err *e)
{
  struct stat st;
  o->f = NULL;
  o->temp[0] = '\0';
  if (strlen(target) == 0 || strlen(target) >= sizeof o->target)
    return ddpm_fail(e, DDPM_EINPUT, "-o: bad file name");
  if (lstat(target, &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return ddpm_fail(e, DDPM_EINPUT, "-o %s: is a directory", target);
    if (!force)
      return ddpm_fail(e, DDPM_EINPUT, "-o %s: already exists (use --force to replace it)",
                       target);
  }
  snprintf(o->target, sizeof o->target, "%s", target);
  snprintf(o->temp, sizeof o->temp, "%s.partial-XXXXXX", target);
  interrupt_enter_critical(); /* no signal between creating it and registering it */
  int fd = mkstemp(o->temp);
  if (fd >= 0) interrupt_temp_file(o->temp);
  interrupt_leave_critical();
  if (fd < 0) {
    int err = errno;
    o->temp[0] = '\0';
    return ddpm_fail(e, output_create_status(err), "-o %s: cannot create: %s", target,
                     strerror(err));
  }
  fchmod(fd, 0644);
  o->f = fdopen(fd, "w");
  if (!o->f) {
    close(fd);
    outfile_abort(o);
    return ddpm_fail(e, DDPM_EINTERNAL, "-o %s: cannot open", target);
  }
  return DDPM_OK;
}

int outfile_commit(outfile *o, ddpm_err *e)
{
  int bad = ferror(o->f);
  int rc = fclose(o->f);
  o->f = NULL;
  if (bad || rc != 0) {
    int err = errno;
    outfile_abort(o);
    return ddpm_fail(e, DDPM_EINTERNAL, "-o %s: write failed: %s", o->target, strerror(err));
  }
  interrupt_enter_critical(); /* a signal now finds the file renamed or registered */
  if (rename(o->temp, o->target) != 0) {
    int err = errno;
    outfile_abort(o);
    interrupt_leave_critical();
    return ddpm_fail(e, DDPM_EINTERNAL, "-o %s: cannot rename into place: %s", o->target,
                     strerror(err));
  }
  interrupt_temp_file(NULL);
  o->temp[0] = '\0';
  interrupt_leave_critical();
  return DDPM_OK;
}

void outfile_abort(outfile *o)
{
  if (o->f) fclose(o->f);
  o->f = NULL;
  if (o->temp[0]) unlink(o->temp);
  interrupt_temp_file(NULL);
  o->temp[0] = '\0';
}
