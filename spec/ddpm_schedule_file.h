/* ddpm_schedule_file.h: the file:PATH schedule's input, one beta per line. */
#ifndef DDPM_SCHEDULE_FILE_H
#define DDPM_SCHEDULE_FILE_H

#include "ddpm_error.h"

/* Reads PATH: one decimal number per line, each in (0, 1); blank lines are
 * errors, '#' starts a comment line, surrounding spaces and a CR before the
 * newline are ignored, the last line may lack its newline. On success
 * *lines holds T strings (free with ddpm_schedule_file_free). Errors name
 * the file and the line. */
int ddpm_schedule_file_read(const char *path, char ***lines, long long *T, ddpm_err *e);
void ddpm_schedule_file_free(char **lines, long long T);

#endif
