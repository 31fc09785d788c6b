/* audit_report.h: the files of `ddpmref audit`: audit.json (everything, per
 * step), audit.md (per source: max ulps, mean relative error, share of the
 * final error; events; the top steps), audit.dat and audit.gp (the plot's
 * data and gnuplot script, kept so users can restyle it). */
#ifndef DDPM_AUDIT_REPORT_H
#define DDPM_AUDIT_REPORT_H

#include "ddpm_audit.h"
#include "outdir.h"
#include "run_options.h"

int audit_write_reports(const run_options *o, const ddpm_audit *a, const outdir *od,
                        ddpm_err *e);

/* Renders audit.png and audit.svg from audit.gp with gnuplot. */
int audit_render_plots(const outdir *od, ddpm_err *e);

/* Is gnuplot there? (checked before the work, not after) */
int audit_have_gnuplot(void);

/* The one-screen summary printed on stdout. */
void audit_print_summary(const run_options *o, const ddpm_audit *a, const char *dir);

#endif
