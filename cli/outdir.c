/* outdir.c: atomic output directories (see outdir.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interrupt.h"
#include "outdir.h"
#include "outfile.h"

static void split(const char *path, char *parent, size_t psize, const char **base)
{
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(parent, psize, ".");
    *base = path;
  } else if (slash == path) {
    snprintf(parent, psize, "/");
    *base = slash + 1;
  } else {
    snprintf(parent, psize, "%.*s", (int)(slash - path), path);
    *base = slash + 1;
  }
}

static void remove_tree(const char *dir)
{
  DIR *dp = opendir(dir);
  if (dp) {
    struct dirent *ent;
    while ((ent = readdir(dp)) != NULL) {
      if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
      char p[8800];
      snprintf(p, sizeof p, "%s/%s", dir, ent->d_name);
      unlink(p); /* our outputs are flat: files only */
    }
    closedir(dp);
  }
  rmdir(dir);
}

int outdir_begin(outdir *o, const char *target, int force, ddpm_err *e)
{
  char tgt[4096];
  size_t len = strlen(target);
  if (len == 0) return ddpm_fail(e, DDPM_EINPUT, "-o: empty path");
  if (len >= sizeof tgt - 32) return ddpm_fail(e, DDPM_EINPUT, "-o: path too long");
  snprintf(tgt, sizeof tgt, "%s", target);
  while (len > 1 && tgt[len - 1] == '/') tgt[--len] = '\0'; /* "out/" -> "out" */

  char parent[4096];
  const char *base;
  split(tgt, parent, sizeof parent, &base);
  if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    return ddpm_fail(e, DDPM_EINPUT, "-o %s: not a directory name", target);

  struct stat st;
  if (lstat(tgt, &st) == 0) {
    if (!force)
      return ddpm_fail(e, DDPM_EINPUT, "-o %s: already exists (use --force to replace it)",
                       target);
    if (!S_ISDIR(st.st_mode))
      return ddpm_fail(e, DDPM_EINPUT, "-o %s: exists and is not a directory", target);
    /* --force replaces only what ddpmref wrote: never a user's own folder */
    char meta[4200];
    snprintf(meta, sizeof meta, "%s/meta.json", tgt);
    if (access(meta, F_OK) != 0)
      return ddpm_fail(e, DDPM_EINPUT,
                       "-o %s: exists and has no meta.json, so it is not ddpmref output; "
                       "refusing to replace it", target);
  }
  snprintf(o->target, sizeof o->target, "%s", tgt);
  o->force = force;
  snprintf(o->staging, sizeof o->staging, "%s/.%s.partial-XXXXXX", parent, base);
  interrupt_enter_critical(); /* no signal between creating it and registering it */
  if (!mkdtemp(o->staging)) {
    int err = errno;
    o->staging[0] = '\0';
    interrupt_leave_critical();
    return ddpm_fail(e, output_create_status(err), "-o %s: cannot create a directory in %s: %s",
                     target, parent, strerror(err));
  }
  interrupt_staging_dir(o->staging);
  interrupt_leave_critical();
  return DDPM_OK;
}

const char *outdir_path(const outdir *o, const char *name, char *buf, unsigned long size)
{
  snprintf(buf, size, "%s/%s", o->staging, name);
  return buf;
}

/* The renames, with any signal deferred to their end: a signal then finds
 * the results in place, or the staging directory still registered. */
static int commit(outdir *o, ddpm_err *e)
{
  char old[8500] = "";
  struct stat st;
  if (o->force && lstat(o->target, &st) == 0) {
    snprintf(old, sizeof old, "%s.old-XXXXXX", o->staging);
    if (!mkdtemp(old) || rename(o->target, old) != 0) {
      int err = errno;
      if (old[0]) rmdir(old);
      outdir_abort(o, NULL);
      return ddpm_fail(e, DDPM_EINTERNAL, "-o %s: cannot replace it: %s", o->target,
                       strerror(err));
    }
  }
  if (rename(o->staging, o->target) != 0) {
    int err = errno;
    if (old[0]) rename(old, o->target); /* put the previous results back */
    outdir_abort(o, NULL);
    return ddpm_fail(e, DDPM_EINTERNAL, "-o %s: cannot rename results into place: %s",
                     o->target, strerror(err));
  }
  interrupt_staging_dir(NULL);
  o->staging[0] = '\0';
  if (old[0]) remove_tree(old);
  return DDPM_OK;
}

int outdir_commit(outdir *o, ddpm_err *e)
{
  interrupt_enter_critical();
  int rc = commit(o, e);
  interrupt_leave_critical();
  return rc;
}

void outdir_abort(outdir *o, ddpm_err *e)
{
  size_t len = strlen(o->staging);
  char *at = e && len ? strstr(e->msg, o->staging) : NULL;
  if (at) {
    char rest[sizeof e->msg];
    snprintf(rest, sizeof rest, "%s", at + len);
    snprintf(at, sizeof e->msg - (size_t)(at - e->msg), "%s%s", o->target, rest);
  }
  if (o->staging[0]) remove_tree(o->staging);
  interrupt_staging_dir(NULL);
  o->staging[0] = '\0';
}
