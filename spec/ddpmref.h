/* ddpmref.h: the whole public interface of libddpmref. */
#ifndef DDPMREF_H
#define DDPMREF_H

#define DDPM_VERSION "0.1.0"

#include "ddpm_error.h"
#include "ddpm_model.h"
#include "ddpm_philox.h"
#include "ddpm_fp.h"
#include "ddpm_ref.h"
#include "ddpm_schedule_file.h"
#include "ddpm_spacing.h"
#include "ddpm_ulps.h"

#endif
