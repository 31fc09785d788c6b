/* cmd_audit.c: `ddpmref audit`: where a sampler's floating-point error comes
 * from, per step and per source, in one format (ddpm_audit.h). */
#include <stdio.h>
#include <string.h>

#include "audit_report.h"
#include "commands.h"
#include "meta.h"
#include "outdir.h"
#include "progress.h"
#include "run_options.h"

static void on_progress(void *ctx, long long rows_done) { progress_update(ctx, rows_done - 1); }

int cmd_audit(int argc, char **argv)
{
  run_options o;
  ddpm_err e = {{0}};
  int rc = run_options_parse(argc, argv, "audit", &o, &e);
  if (rc == OPTIONS_HELP_SHOWN) return 0;
  if (rc != DDPM_OK) return report_error(rc, &e);
  if (!o.no_plot && !audit_have_gnuplot())
    return report_error(ddpm_fail(&e, DDPM_EINTERNAL, "gnuplot not found: install it "
                                  "(Debian: gnuplot-nox) or pass --no-plot"), &e);
  outdir od;
  if ((rc = outdir_begin(&od, o.outdir, o.force, &e)) != DDPM_OK) return report_error(rc, &e);
  ddpm_audit a;
  progress pg;
  progress_begin(&pg, o.progress, "audit", o.run.steps);
  rc = ddpm_audit_run(&o.run, o.format, o.sources, (mpfr_prec_t)o.prec, on_progress, &pg, &a, &e);
  progress_end(&pg);
  const int have_audit = rc == DDPM_OK; /* a failed run frees its own result */
  if (rc == DDPM_OK) rc = audit_write_reports(&o, &a, &od, &e);
  if (rc == DDPM_OK && !o.no_plot) rc = audit_render_plots(&od, &e);
  char path[8800];
  meta_file files[] = {{"audit.json", "per step and per source, every number", 0, {0}},
                       {"audit.md", "the summary: sources, events, top steps", 0, {0}},
                       {"audit.dat", "the plot's data", 0, {0}},
                       {"audit.gp", "the plot's gnuplot script (gnuplot audit.gp)", 0, {0}},
                       {"audit.png", "error vs step per source (PNG)", 0, {0}},
                       {"audit.svg", "the same (SVG)", 0, {0}}};
  if (rc == DDPM_OK)
    rc = meta_write(outdir_path(&od, "meta.json", path, sizeof path), &o, files,
                    o.no_plot ? 4 : 6, NULL, NULL, &e);
  if (rc == DDPM_OK) rc = outdir_commit(&od, &e);
  else outdir_abort(&od, &e);
  if (rc == DDPM_OK) audit_print_summary(&o, &a, od.target);
  if (have_audit) ddpm_audit_free(&a);
  return rc == DDPM_OK ? 0 : report_error(rc, &e);
}
