#!/usr/bin/env python3
"""Parses the Frama-C logs of proofs/run; writes the status, timings and
proofs/report.md.

  summarize.py line LOG RC MS        one short line for a finished step
  summarize.py final OUTDIR MS REPORT   status, timings, report; exit code

Parsing is strict: a WP run without its "[wp] Proved goals: M / N" line, an
Eva run without its summary, a goal list that does not add up to the
summary, a function or property that should have been checked but was not,
or a Frama-C exit code other than 0 all count as failures (one unproved
goal, resp. one alarm, is added to the totals so that the status line shows
it too)."""

import os
import re
import subprocess
import sys

# --------------------------------------------------------------------------
# What each step is (keyed by log name; the commands are in proofs/run)
# --------------------------------------------------------------------------

STEPS = {
    "eva_schedule.log": dict(
        kind="eva",
        title="Eva: ddpm_fp_linear_fill and helpers, T in [2, 10000]",
        functions=["ddpm_fp_linear_fill", "linear_frac", "linear_beta",
                   "abar_step", "eva_main"],
        eva_props=["eva_frac", "eva_prod_lb"],
    ),
    "wp_schedule.log": dict(
        kind="wp",
        short="WP, float model",
        title="WP: ddpm_fp_linear_fill, linear_beta, abar_step",
        functions=["ddpm_fp_linear_fill", "linear_beta", "abar_step"],
        provers="Qed, Gappa 1.4.1, cvc5 1.0.3, z3 4.8.12 (-wp-prover gappa,cvc5,z3, timeout 30 s)",
        model="WP Typed memory model, IEEE-754 binary64 float model (+float), machine integers (+int)",
    ),
    "wp_linear_frac.log": dict(
        kind="wp",
        short="WP, linear_frac",
        title="WP: linear_frac (all but eva_frac and the division's finiteness)",
        functions=["linear_frac"],
        provers="Qed (z3, cvc5 configured, timeout 20 s)",
        model="WP Typed memory model, machine integers (+int), binary64 float model (+float)",
    ),
    "wp_philox.log": dict(
        kind="wp",
        short="WP, integer model",
        title="WP: ddpm_philox4x32_round, ddpm_philox4x32, ddpm_noise_words",
        functions=["ddpm_philox4x32_round", "ddpm_philox4x32",
                   "ddpm_noise_words", "lemma_xor_comm"],
        provers="Qed, z3 4.8.12, cvc5 1.0.3 (-wp-prover z3,cvc5, timeout 20 s)",
        model="WP Typed memory model, machine integers (+int): unsigned arithmetic modulo 2^n",
    ),
}
EVA_HELPERS = ["sl_frac", "cos_dT", "cos_units", "ly_dbl", "grid", "lcw_dbl"]
BUILDER_FNS = {
    "scaled-linear": ["ddpm_fp_scaled_linear_betas", "sl_beta", "sl_frac"],
    "cosine": ["ddpm_fp_cosine_betas", "cos_c", "cos_sin_diff", "sin_small",
               "cos_of", "cos_beta", "cos_dT", "cos_units"],
    "li-yan": ["ddpm_fp_li_yan_betas", "ly_k", "ly_log_beta1", "ly_beta1",
               "ly_beta", "ly_dbl"],
    "vp, ou": ["ddpm_fp_vp_fill", "ddpm_fp_ou_fill", "fill_from_integral",
               "data_end", "exp_neg", "one_minus_exp_neg", "vp_B", "vp_dB",
               "twice", "grid"],
}
WP_BUILDER_FNS = [f for fns in BUILDER_FNS.values() for f in fns
                  if f not in EVA_HELPERS]

STEPS.update({
    "eva_builders.log": dict(
        kind="eva",
        title="Eva: int -> double helpers of the scaled-linear, cosine, li-yan, vp and ou builders, T in [2, 10000]",
        functions=EVA_HELPERS + ["eva_main"],
        eva_props=["eva_sl_frac", "eva_cos_dT", "eva_units", "eva_units_pos",
                   "eva_units_le1", "eva_ly_dbl", "eva_ly_dbl_64",
                   "eva_grid_tau", "eva_grid_tau1", "eva_grid_width",
                   "eva_grid_vp", "eva_lcw_dbl"],
        # the harness includes the builder files: only the helpers are
        # reachable, so function coverage is checked against this list
        reachable_only=True,
    ),
    "wp_builders.log": dict(
        kind="wp",
        short="WP, float model",
        title="WP: scaled-linear, cosine, li-yan, vp and ou builders and their float helpers",
        functions=WP_BUILDER_FNS,
        provers="Qed, Gappa 1.4.1, cvc5 1.0.3 (-wp-prover gappa,cvc5, timeout 30 s)",
        model="WP Typed memory model, IEEE-754 binary64 float model (+float), machine integers (+int); libm calls through the contracts of proofs/libm_assumptions.h",
    ),
    "wp_builder_helpers.log": dict(
        kind="wp",
        short="WP, int -> double helpers",
        title="WP: the int -> double helpers (all but their eva_* properties and the finiteness of their conversions)",
        functions=EVA_HELPERS,
        provers="Qed (z3, cvc5 configured, timeout 20 s)",
        model="WP Typed memory model, machine integers (+int), binary64 float model (+float)",
    ),
    "spacing_run.log": dict(
        kind="wp",
        parse_log="spacing.log",
        short="WP, integer model",
        title="WP: ddpm_round_half_even, ddpm_spacing_leading/trailing/linspace (proofs/spacing.sh)",
        functions=["ddpm_round_half_even", "ddpm_spacing_leading",
                   "ddpm_spacing_trailing", "ddpm_spacing_linspace"],
        extra_prefix="ddpm_lemma_",
        provers="Qed, z3 4.8.12, cvc4 1.8 (-wp-prover z3,cvc4, timeout 30 s)",
        model="WP Typed memory model, machine integers (+int; -warn-signed-downcast)",
    ),
})
# Integrator bounds of the reverse step (fp/fp_coeffs.c, spec/ddpm_fp_step.h,
# proofs/step_*.c): four WP runs (proofs/run steps 9-12).
STEP_PREFIX = "typed_ref_step_fp_"
STEP_MODEL = ("WP Typed+ref memory model (by-reference pointer arguments), "
              "IEEE-754 binary64 float model (+float), machine integers (+int); "
              "proofs/step_fp.driver; sqrt through assumption L9 "
              "(proofs/libm_assumptions.h)")
COEFF_FNS = ["ddpm_fp_coeffs_ddpm", "ddpm_fp_coeffs_ddim", "ddpm_fp_coeffs_liyan_ode",
             "ddpm_fp_coeffs_em", "ddpm_fp_coeffs_ei", "ddpm_fp_coeffs_pf_euler",
             "ddpm_fp_coeffs_heun"]
KERNEL_FNS = ["ddpm_fp_affine_apply", "ddpm_fp_affine_lemma"]
GHOST_FNS = ["ddim_b_lemma"]
BOUND_FNS = ["step_bound_ddpm", "step_bound_ddim", "step_bound_liyan_ode",
             "step_bound_em", "step_bound_ei", "step_bound_pf_euler",
             "step_bound_pf_heun"]
STEPS.update({
    "wp_step_lemmas.log": dict(
        kind="wp",
        short="WP, real lemmas",
        title="WP: the real-number lemmas of the integrator bounds (proofs/step_lemmas.c)",
        functions=[],
        goal_prefix=STEP_PREFIX,
        extra_prefix="lemma_",
        provers="z3 4.8.12, cvc5 1.0.3 (-wp-prover z3,cvc5, timeout 20 s)",
        model="real numbers (lemmas over ACSL reals; " + STEP_MODEL + ")",
    ),
    "wp_step_coeffs.log": dict(
        kind="wp",
        short="WP, float model (Gappa)",
        title="WP: coefficient functions (fp/fp_coeffs.c) and affine kernel (spec/ddpm_fp_step.h), all but the goals of the next run",
        functions=COEFF_FNS + GHOST_FNS + KERNEL_FNS,
        goal_prefix=STEP_PREFIX,
        provers="Qed, Gappa 1.4.1 (-wp-prover gappa, timeout 30 s)",
        model=STEP_MODEL,
    ),
    "wp_step_coeffs_smt.log": dict(
        kind="wp",
        short="WP, float model (cvc5)",
        title="WP: the same functions' goals without float operations (-wp-prop @complete_behaviors, ratio, lem_*)",
        functions=["ddpm_fp_coeffs_ddpm", "ddpm_fp_coeffs_ddim", "ddpm_fp_coeffs_em",
                   "ddpm_fp_coeffs_ei", "ddim_b_lemma", "ddpm_fp_affine_lemma"],
        goal_prefix=STEP_PREFIX,
        provers="Qed, cvc5 1.0.3 (-wp-prover cvc5, timeout 20 s)",
        model=STEP_MODEL,
    ),
    "wp_step_bounds.log": dict(
        kind="wp",
        short="WP, float model (cvc5)",
        title="WP: per-sampler bounds (proofs/step_bounds.c: coefficient function + kernel)",
        functions=BOUND_FNS,
        goal_prefix=STEP_PREFIX,
        provers="Qed, cvc5 1.0.3 (-wp-prover cvc5, timeout 20 s)",
        model=STEP_MODEL,
    ),
})
# The derived columns and the jump of fp/fp_schedule.c (proofs/run step 13):
# seven WP runs, the goals split by prover on the prefix of the property names.
DER_MODEL = ("WP Typed memory model, IEEE-754 binary64 float model (+float), "
             "machine integers (+int); libm through L9-L11 (proofs/libm_assumptions.h, "
             "-DDDPM_LIBM_SQRT_CR -DDDPM_LIBM_DERIVED)")
DER_MODEL_FL = DER_MODEL + "; proofs/step_fp.driver (rnd64 = Why3's Float64.round RNE)"
DER_MODEL_AX = (DER_MODEL_FL + "; IEEE-754 through Why3's ieee_float axioms "
                "(proofs/why3/cvc5_axfp.drv), not cvc5's native floating point")
DER_MODEL_SMT = (DER_MODEL + "; proofs/exact_ops.driver and proofs/why3/cvc5_nofp.drv: "
                 "rnd64, the float operations and predicates uninterpreted (the "
                 "result holds for any meaning of them)")
DER_RND_FNS = ["rnd_add_ge", "rnd_mul_le", "rnd_fix", "rnd_div_le1", "consts",
               "half_cmp", "lt_cmp", "one_or_below"]
DER_ACC_FNS = ["acc_fl", "acc_fl2", "acc_step", "accumulate"]
DER_DERIVE_FNS = ["sqrt_fl", "der_alpha_fl", "btilde_fl", "snr_fl", "bt_fl", "derive"]
DER_JUMP_FNS = ["jump_fl", "alpha_fl", "jump_lemma", "ddpm_fp_jump"]
DER_FNS = DER_RND_FNS + DER_ACC_FNS + DER_DERIVE_FNS + DER_JUMP_FNS
DER_LOGS = ["wp_derived_fl.log", "wp_derived_ax.log", "wp_derived_fp.log",
            "wp_derived_smt.log", "wp_derive_fl.log", "wp_derive_ax.log",
            "wp_derive_smt.log"]
STEPS.update({
    "wp_derived_fl.log": dict(
        kind="wp",
        short="WP, Gappa",
        title="WP: fp/fp_schedule.c accumulate, ddpm_fp_jump and the ghost lemma functions, properties fl_* and the RTE float alarms",
        functions=["acc_fl", "acc_fl2", "accumulate", "sqrt_fl", "der_alpha_fl",
                   "btilde_fl", "snr_fl", "bt_fl", "jump_fl", "alpha_fl", "ddpm_fp_jump"],
        goal_prefix="typed_step_fp_",
        provers="Qed, Gappa 1.4.1 (-wp-prover gappa, timeout 30 s)",
        model=DER_MODEL_FL,
    ),
    "wp_derived_ax.log": dict(
        kind="wp",
        short="WP, cvc5 on Why3's IEEE axioms",
        title="WP: the same functions, properties ax_* (instances of Why3's ieee_float axioms)",
        functions=["rnd_add_ge", "rnd_mul_le", "rnd_fix", "rnd_div_le1", "half_cmp",
                   "lt_cmp", "one_or_below"],
        goal_prefix="typed_step_fp_",
        provers="cvc5 1.0.3 with proofs/why3/cvc5_axfp.drv (-wp-prover cvc5ax, timeout 20 s)",
        model=DER_MODEL_AX,
    ),
    "wp_derived_fp.log": dict(
        kind="wp",
        short="WP, cvc5 native floating point",
        title="WP: the same functions, properties fp_* (binary64 constants and order)",
        functions=["consts", "one_or_below"],
        goal_prefix="typed_step_fp_",
        provers="cvc5 1.0.3 (-wp-prover cvc5, timeout 20 s)",
        model=DER_MODEL_FL,
    ),
    "wp_derived_smt.log": dict(
        kind="wp",
        short="WP, cvc5 (combinations)",
        title="WP: the same functions, every other property (combinations, memory, loops, RTE memory and overflow)",
        functions=[f for f in DER_FNS if f != "derive"],
        goal_prefix="typed_exact_ops_",
        provers="Qed, cvc5 1.0.3 with proofs/why3/cvc5_nofp.drv (-wp-prover cvc5nofp, timeout 60 s)",
        model=DER_MODEL_SMT,
    ),
    "wp_derive_fl.log": dict(
        kind="wp",
        short="WP, Gappa",
        title="WP: derive (-warn-special-float none), properties fl_*",
        functions=["derive"],
        goal_prefix="typed_step_fp_",
        provers="Qed, Gappa 1.4.1 (-wp-prover gappa, timeout 30 s)",
        model=DER_MODEL_FL,
    ),
    "wp_derive_ax.log": dict(
        kind="wp",
        short="WP, cvc5 on Why3's IEEE axioms",
        title="WP: derive, properties ax_*",
        functions=["derive"],
        goal_prefix="typed_step_fp_",
        provers="cvc5 1.0.3 with proofs/why3/cvc5_axfp.drv (-wp-prover cvc5ax, timeout 20 s)",
        model=DER_MODEL_AX,
    ),
    "wp_derive_smt.log": dict(
        kind="wp",
        short="WP, cvc5 (combinations)",
        title="WP: derive, every other property",
        functions=["derive"],
        goal_prefix="typed_exact_ops_",
        provers="Qed, cvc5 1.0.3 with proofs/why3/cvc5_nofp.drv (-wp-prover cvc5nofp, timeout 60 s)",
        model=DER_MODEL_SMT,
    ),
})
# The lcw builder (proofs/run step 14): four WP runs split as in step 13.
LCW_MODEL = ("WP Typed memory model, IEEE-754 binary64 float model (+float), "
             "machine integers (+int); libm through L4, L6, L7 (proofs/libm_assumptions.h)")
LCW_FNS = ["ddpm_fp_lcw_fill", "lcw_k", "lcw_x", "lcw_cap1", "lcw_fl", "lcw_beta_fl",
           "lcw_step", "lcw_add_ge", "lcw_mul_le", "lcw_fix", "lcw_lt", "lcw_div_le1",
           "lcw_consts"]
LCW_LOGS = ["wp_lcw_fl.log", "wp_lcw_ax.log", "wp_lcw_fp.log", "wp_lcw_smt.log"]
STEPS.update({
    "wp_lcw_fl.log": dict(
        kind="wp",
        short="WP, Gappa",
        title="WP: fp/fp_schedule_lcw.c ddpm_fp_lcw_fill, its float helpers and ghost lemma functions, properties fl_* and the RTE float alarms",
        functions=["ddpm_fp_lcw_fill", "lcw_k", "lcw_x", "lcw_fl", "lcw_beta_fl"],
        goal_prefix="typed_step_fp_",
        provers="Qed, Gappa 1.4.1 (-wp-prover gappa, timeout 30 s)",
        model=LCW_MODEL + "; proofs/step_fp.driver (rnd64 = Why3's Float64.round RNE)",
    ),
    "wp_lcw_ax.log": dict(
        kind="wp",
        short="WP, cvc5 on Why3's IEEE axioms",
        title="WP: the same functions, properties ax_*",
        functions=["lcw_add_ge", "lcw_mul_le", "lcw_fix", "lcw_lt", "lcw_div_le1"],
        goal_prefix="typed_step_fp_",
        provers="cvc5 1.0.3 with proofs/why3/cvc5_axfp.drv (-wp-prover cvc5ax, timeout 20 s)",
        model=LCW_MODEL + "; IEEE-754 through Why3's ieee_float axioms",
    ),
    "wp_lcw_fp.log": dict(
        kind="wp",
        short="WP, cvc5 native floating point",
        title="WP: the same functions, properties fp_* (binary64 constants)",
        functions=["lcw_consts"],
        goal_prefix="typed_step_fp_",
        provers="cvc5 1.0.3 (-wp-prover cvc5, timeout 20 s)",
        model=LCW_MODEL,
    ),
    "wp_lcw_smt.log": dict(
        kind="wp",
        short="WP, cvc5 (combinations)",
        title="WP: the same functions, every other property (combinations, memory, loops, libm preconditions, RTE memory and overflow)",
        functions=LCW_FNS,
        goal_prefix="typed_exact_ops_",
        provers="Qed, cvc5 1.0.3 with proofs/why3/cvc5_nofp.drv (-wp-prover cvc5nofp, timeout 60 s)",
        model=LCW_MODEL + "; rnd64, the float operations and predicates uninterpreted",
    ),
})
STEPS.update({
    "wp_real_model.log": dict(
        kind="wp",
        short="WP, real numbers",
        title="WP: real-number model (proofs/real_model.c): for any real betas in (0, 1), 0 < abar_t < abar_{t-1} <= 1 with abar_t = prod (1 - beta_s) (abar_real_lemma, induction as a loop); one-step lemmas prod_step (0 < a (1 - b) < a) and lcw_step (a < a (1 + k (1 - a)) < 1 for 0 < a, k < 1)",
        functions=["abar_real_lemma"],
        extra_prefix="lemma_",
        provers="Qed, z3 4.8.12, cvc5 1.0.3 (-wp-prover z3,cvc5, timeout 60 s)",
        model="real numbers (ACSL reals; the betas are the real values of doubles, no rounding)",
    ),
})
STEP_ORDER = ["eva_schedule.log", "wp_schedule.log", "wp_linear_frac.log",
              "wp_philox.log", "eva_builders.log", "wp_builders.log",
              "wp_builder_helpers.log", "spacing_run.log",
              "wp_step_lemmas.log", "wp_step_coeffs.log", "wp_step_coeffs_smt.log",
              "wp_step_bounds.log"] + DER_LOGS + LCW_LOGS + ["wp_real_model.log"]

# --------------------------------------------------------------------------
# Parsers
# --------------------------------------------------------------------------

RE_GOAL = re.compile(r"^\[wp\] \[([^\]]+)\] Goal (\S+)(?: : (\S+))?")
RE_PROVED = re.compile(r"^\[wp\] Proved goals:\s+(\d+)\s*/\s*(\d+)")
RE_ALARMS = re.compile(r"^\s*(\d+|No) alarms? generated by the analysis")
RE_FCOV = re.compile(r"^\s*(\d+) functions? analyzed \(out of (\d+)\)")
RE_SCOV = re.compile(r"statements reached \(out of (\d+)\)")
RE_SREACH = re.compile(r"^\s*In these functions, (\d+) statements reached")
RE_ERRWARN = re.compile(r"^\s*(\d+) errors? and (\d+) warnings?")
RE_SECTION = re.compile(r"^--- Properties of Function '([^']+)'")
RE_ENTRY = re.compile(r"^\[\s*([^\]]*?)\s*\] (.*)$")


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return None


def goal_function(goal, functions, prefix="typed_"):
    """<prefix><function>_<property> -> function (longest known prefix);
    the prefix is WP's model name (typed_, or typed_ref_step_fp_ for the
    Typed+ref model with proofs/step_fp.driver)."""
    name = goal[len(prefix):] if goal.startswith(prefix) else goal
    best = None
    for f in functions:
        if name == f or name.startswith(f + "_"):
            if best is None or len(f) > len(best):
                best = f
    return best or "(other)"


def parse_wp(lines, rc, spec):
    res = dict(kind="wp", goals=0, proved=0, problems=[], per_fn={},
               failed=[], summary=None)
    if lines is None:
        res["problems"].append("log missing")
        lines = []
    seen = {}
    for ln in lines:
        m = RE_GOAL.match(ln)
        if m:
            status = m.group(3) or m.group(1)
            seen[m.group(2)] = (status == "Valid")
            continue
        m = RE_PROVED.match(ln)
        if m:
            res["summary"] = (int(m.group(1)), int(m.group(2)))
    for f in spec["functions"]:
        res["per_fn"][f] = [0, 0]
    extra = spec.get("extra_prefix")
    prefix = spec.get("goal_prefix", "typed_")
    for goal, ok in sorted(seen.items()):
        f = goal_function(goal, spec["functions"], prefix)
        if f == "(other)" and extra and goal.startswith(prefix + extra):
            f = extra + "* (lemma functions)"
        res["per_fn"].setdefault(f, [0, 0])
        res["per_fn"][f][0] += 1
        if ok:
            res["per_fn"][f][1] += 1
        else:
            res["failed"].append(goal)
    listed = len(seen)
    listed_ok = sum(1 for ok in seen.values() if ok)
    if res["summary"] is None:
        res["problems"].append("no '[wp] Proved goals: M / N' line")
        res["goals"], res["proved"] = listed + 1, listed_ok
    else:
        m, n = res["summary"]
        res["goals"], res["proved"] = n, m
        if n == 0:
            res["problems"].append("no goal at all")
            res["goals"] += 1
        if (listed, listed_ok) != (n, m):
            res["problems"].append(
                "goal lines (%d listed, %d valid) disagree with the summary "
                "(%d / %d)" % (listed, listed_ok, m, n))
            res["goals"] += 1
    for f in spec["functions"]:
        if res["per_fn"][f][0] == 0:
            res["problems"].append("no goal for %s" % f)
            res["goals"] += 1
    if "(other)" in res["per_fn"]:
        res["problems"].append("goals of unexpected functions")
    if rc != 0:
        res["problems"].append("frama-c exit code %d" % rc)
        res["goals"] += 1
    if res["problems"] and res["goals"] == res["proved"]:
        res["goals"] += 1
    return res


def parse_eva(lines, rc, spec):
    res = dict(kind="eva", alarms=0, problems=[], per_fn={}, generated=None,
               unproved=[], props={}, coverage=None)
    if lines is None:
        res["problems"].append("log missing")
        lines = []
    fcov = scov = sreach = None
    errors = 0
    section = None
    entries = []  # (function, status, text)
    for ln in lines:
        m = RE_ALARMS.match(ln)
        if m:
            res["generated"] = 0 if m.group(1) == "No" else int(m.group(1))
        m = RE_FCOV.match(ln)
        if m:
            fcov = (int(m.group(1)), int(m.group(2)))
        m = RE_SREACH.match(ln)
        if m:
            sreach = int(m.group(1))
            m2 = RE_SCOV.search(ln)
            scov = int(m2.group(1)) if m2 else None
        m = RE_ERRWARN.match(ln)
        if m:
            errors = int(m.group(1))
        m = RE_SECTION.match(ln)
        if m:
            section = m.group(1)
            continue
        if ln.startswith("--- Status Report Summary"):
            section = None
            continue
        m = RE_ENTRY.match(ln)
        if m and section is not None:
            entries.append((section, m.group(1), m.group(2)))
    mine = set(spec["functions"])
    n_alarm_entries = 0
    for f in spec["functions"]:
        res["per_fn"][f] = dict(alarms=0, alarms_valid=0, calls=0,
                                calls_valid=0, props=[])
    for fn, status, text in entries:
        valid = (status == "Valid")
        is_alarm = re.match(r"Assertion '(rte|Eva),([^']+)'", text)
        if is_alarm:
            n_alarm_entries += 1
        if fn not in mine:
            if is_alarm and not valid:
                res["unproved"].append("%s: %s [%s]" % (fn, text, status))
            continue
        d = res["per_fn"][fn]
        if is_alarm:
            d["alarms"] += 1
            d["alarms_valid"] += valid
            if not valid:
                res["unproved"].append("%s: %s [%s]" % (fn, text, status))
            continue
        m = re.search(r"'(eva_[A-Za-z0-9_]*)'", text)
        if m and not text.startswith("Instance of"):
            res["props"][m.group(1)] = valid
            d["props"].append((m.group(1), valid))
            if not valid:
                res["unproved"].append("%s: %s [%s]" % (fn, text, status))
            continue
        if text.startswith("Instance of 'Pre-condition"):
            d["calls"] += 1
            d["calls_valid"] += valid
            if not valid:
                res["unproved"].append("%s: %s [%s]" % (fn, text, status))
    res["alarms"] = len(res["unproved"])
    if res["generated"] is None:
        res["problems"].append("no 'alarms generated by the analysis' line")
    elif res["generated"] != n_alarm_entries:
        res["problems"].append(
            "Eva counts %d alarms, the report lists %d"
            % (res["generated"], n_alarm_entries))
    for p in spec["eva_props"]:
        if p not in res["props"]:
            res["problems"].append("property %s not in the report" % p)
    if spec.get("reachable_only"):
        if fcov is None or fcov[0] != len(spec["functions"]):
            res["problems"].append("not every expected function analyzed (%s)"
                                   % (fcov,))
    elif fcov is None or fcov[0] != fcov[1] or fcov[0] == 0:
        res["problems"].append("function coverage not 100%% (%s)" % (fcov,))
    if sreach is None or scov is None or sreach != scov:
        res["problems"].append("statement coverage not 100%% (%s/%s)"
                               % (sreach, scov))
    else:
        res["coverage"] = (fcov, (sreach, scov))
    if errors:
        res["problems"].append("%d errors during the analysis" % errors)
    if not entries:
        res["problems"].append("no property report (-report) found")
    if rc != 0:
        res["problems"].append("frama-c exit code %d" % rc)
    if res["problems"]:
        res["alarms"] += 1
    return res


def parse(log, rc):
    spec = STEPS.get(os.path.basename(log))
    if spec is None:
        return None
    if spec.get("parse_log"):
        log = os.path.join(os.path.dirname(log), spec["parse_log"])
    lines = read(log)
    if spec["kind"] == "wp":
        return parse_wp(lines, rc, spec)
    return parse_eva(lines, rc, spec)


def fmt_secs(ms):
    return "%.1f s" % (int(ms) / 1000.0)


# --------------------------------------------------------------------------
# line: one short line per step
# --------------------------------------------------------------------------

def cmd_line(log, rc, ms):
    res = parse(log, int(rc))
    if res is None:
        print("done (%s)" % fmt_secs(ms))
        return 0
    if res["kind"] == "wp":
        ok = not res["problems"] and res["goals"] == res["proved"]
        msg = "WP %d/%d goals proved" % (res["proved"], res["goals"])
    else:
        ok = not res["problems"] and res["alarms"] == 0
        msg = "Eva %d alarm(s) left, %d checked" % (
            res["alarms"], res["generated"] or 0)
    print("%-4s %s  [%s]" % ("ok" if ok else "FAIL", msg, fmt_secs(ms)))
    for p in res["problems"]:
        print("       problem: %s" % p)
    for g in res.get("failed", [])[:20]:
        print("       unproved: %s" % g)
    for u in res.get("unproved", [])[:20]:
        print("       alarm: %s" % u)
    sys.stdout.flush()
    return 0


# --------------------------------------------------------------------------
# final: status, timings, report
# --------------------------------------------------------------------------

def tool_version(cmd, pattern):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=30)
        m = re.search(pattern, p.stdout)
        return m.group(1) if m else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


FN_DOC = {
    "ddpm_fp_linear_fill": dict(
        where="fp/fp_schedule_linear.c, contract in spec/ddpm_fp.h (predicates in spec/schedule.acsl)",
        proves=[
            "beta_rng: 0 < beta[t] < 1 for t = 1..T (beta_valid)",
            "abar_rng: abar[0] == 1, 0 < abar[t] < 1 and abar[t] < abar[t-1] for t = 1..T (abar_valid)",
            "assigns beta[0 .. T], abar[0 .. T]; loop invariants, loop assigns and termination (loop variant)",
            "absence of runtime errors: array accesses, int overflow of t, no NaN/infinity (Eva and WP -wp-rte)",
            "the preconditions of linear_frac, linear_beta and abar_step at every call (WP and Eva)",
        ],
        eva="eva_prod_lb (abar_{t-1} >= 2^-1000 before every step) and every alarm, over the whole precondition domain",
    ),
    "linear_frac": dict(
        where="fp/fp_schedule_linear.c (static helper)",
        proves=[
            "eva_frac: the result is finite and in [0, 1] (Eva, for every call made by ddpm_fp_linear_fill on its domain)",
            "no signed overflow in t - 1, T - 1; the division is finite (Eva; the overflows also by WP)",
            "assigns \\nothing (WP)",
        ],
        eva="eva_frac, the signed-overflow and non-finite alarms",
    ),
    "linear_beta": dict(
        where="fp/fp_schedule_linear.c (static helper)",
        proves=[
            "beta_rng: the result is finite and in [2^-17, 0.11] (WP, Gappa)",
            "no NaN/infinity in the three rounded operations (WP -wp-rte, Gappa; also Eva)",
            "assigns \\nothing",
        ],
        eva="its alarms (also proved by WP)",
    ),
    "abar_step": dict(
        where="fp/fp_schedule_linear.c (static helper)",
        proves=[
            "abar_rng: the result is finite and in [2^-1001, 1] (WP, Gappa)",
            "abar_decr: the result is strictly smaller than prod (WP, cvc5, via the assertion ratio)",
            "ratio: next / prod <= 1 - 2^-18 (WP, Gappa)",
            "no NaN/infinity (WP -wp-rte; also Eva); assigns \\nothing",
        ],
        eva="its alarms (also proved by WP)",
    ),
    "ddpm_philox4x32_round": dict(
        where="common/philox.c, contract in spec/ddpm_philox.h",
        proves=[
            "r0: ctr[0] == philox_hi(M1, old ctr[2]) ^ old ctr[1] ^ key[0]",
            "r1: ctr[1] == philox_lo(M1, old ctr[2])",
            "r2: ctr[2] == philox_hi(M0, old ctr[0]) ^ old ctr[3] ^ key[1]",
            "r3: ctr[3] == philox_lo(M0, old ctr[0])",
            "assigns ctr[0 .. 3]; absence of runtime errors (-wp-rte: memory accesses)",
        ],
        eva=None,
    ),
    "ddpm_philox4x32": dict(
        where="common/philox.c, contract in spec/ddpm_philox.h",
        proves=[
            "assigns out[0 .. 3]; the round's preconditions at every call",
            "loop invariant, loop assigns, termination; absence of runtime errors",
        ],
        eva=None,
    ),
    "ddpm_noise_words": dict(
        where="common/philox.c, contract in spec/ddpm_philox.h",
        proves=[
            "u1_rng: *u1 < 2^53; u2_rng: *u2 < 2^53",
            "assigns *u1, *u2; ddpm_philox4x32's preconditions; absence of runtime errors",
        ],
        eva=None,
    ),
    "lemma_xor_comm": dict(
        where="proofs/philox_lemmas.c (proof aid, not part of the build)",
        proves=[
            "xor_comm: a == d && b == c ==> (a ^ b) == (c ^ d), i.e. ^ is commutative, stated so that the SMT solvers can use it",
        ],
        eva=None,
    ),
}

ASSUME_SCHEDULE = [
    ("S1", "Preconditions of ddpm_fp_linear_fill (spec/ddpm_fp.h): 2 <= T <= DDPM_LINEAR_PROVED_TMAX = 10000; bmin, bmax finite; 0x1p-17 <= bmin <= 0x1p-10; 0x1p-10 <= bmax <= 0x1.999999999999ap-5 (= (double)0.05); beta[0..T] and abar[0..T] valid and separated."),
    ("S2", "Eva's domain is exactly that box (proofs/eva_linear_fill.c): every int T in [2, 10000], every binary64 bmin and bmax in the intervals above, with one pair of separated static arrays of 10001 doubles; the computed values do not depend on the arrays' addresses. Eva's results hold for the calls made from there only."),
    ("S3", "WP takes eva_frac and eva_prod_lb as hypotheses (-wp-prop=-eva_frac,-eva_prod_lb); the Eva run proves them for the calls that ddpm_fp_linear_fill makes on its precondition domain (linear_frac is static and has no other caller)."),
    ("S4", "The int -> double conversions (double)(t - 1), (double)(T - 1) and the division in linear_frac are left to Eva (no prover here proves (double)t == t); WP does not check that division's finiteness."),
    ("S5", "IEEE-754 binary64 arithmetic, round to nearest even, every operation rounded separately (Frama-C's float model and Eva): the build must not contract into FMAs (-ffp-contract=off), must not use -ffast-math, must not change the rounding mode at run time, and must evaluate doubles in binary64 (x86-64 SSE2, FLT_EVAL_METHOD 0). Build flags: gcc -std=gnu11 -ffp-contract=off -fopenmp -fPIC -Ispec -Icli."),
    ("S6", "No libm function is involved (only +, -, *, / and int -> double)."),
    ("S7", "Machine model gcc_x86_64 (32-bit int); preprocessing as in the build (-Ispec -Icli; no OpenMP or FP pragma in these files); -DEVA only hides the WP-only annotations from Eva and changes no code."),
    ("S8", "Trusted: Frama-C 25 (kernel, RTE, Eva, WP with its Qed simplifier and its float and integer libraries), Why3 1.5.1 and its drivers, the local driver proofs/why3/cvc5.drv, Gappa, cvc5, z3."),
    ("S9", "WP is modular: the proof of ddpm_fp_linear_fill uses the contracts of linear_frac, linear_beta and abar_step, each proved on its own (above), and checks their preconditions at the calls."),
]

ASSUME_PHILOX = [
    ("P1", "Preconditions of spec/ddpm_philox.h: valid and separated ctr/key (round); 1 <= rounds <= 16, valid and separated in/key/out (ddpm_philox4x32); valid and separated u1/u2 (ddpm_noise_words)."),
    ("P2", "C semantics of unsigned arithmetic: wrap-around modulo 2^32 / 2^64 is defined behaviour (the key schedule relies on it) and is not an alarm (Frama-C default, no -warn-unsigned-overflow); WP's machine-integer model represents it exactly."),
    ("P3", "philox_hi/philox_lo are the contract's mathematical definitions ((m c) / 2^32 and (m c) mod 2^32 over unbounded integers); the code's 2^32 splits are written as unsigned / and % by 2^32 (the same machine code as >> 32 and a truncating cast) and the xor as hi ^ (c ^ k)."),
    ("P4", "The output words are computed as (x1 2^32 + x0) / 2^11, the same value as ((x1 << 32) | x0) >> 11."),
    ("P5", "The lemma xor_comm (proofs/philox_lemmas.c) is proved in the same run and used as a hypothesis; WP's Qed treats ^ as associative and commutative."),
    ("P6", "Machine model gcc_x86_64; preprocessing as in the build (-Ispec -Icli)."),
    ("P7", "Trusted: Frama-C 25 (kernel, RTE, WP, Qed and its integer and bitwise libraries), Why3 1.5.1 and its drivers, the local driver proofs/why3/cvc5.drv, z3, cvc5."),
    ("P8", "WP is modular: ddpm_philox4x32 uses the round's contract, ddpm_noise_words uses ddpm_philox4x32's, and the callers' preconditions are checked at each call."),
]

ASSUME_IDS = {
    "ddpm_fp_linear_fill": (["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9"], []),
    "linear_frac": (["S2", "S3", "S4", "S5", "S7", "S8"],
                    ["its precondition 2 <= T <= 10000 && 1 <= t <= T, proved at its only call (WP and Eva)"]),
    "linear_beta": (["S5", "S6", "S7", "S8"],
                    ["its preconditions (finite inputs, bmin/bmax ranges, 0 <= frac <= 1), proved at its only call (WP and Eva)"]),
    "abar_step": (["S5", "S6", "S7", "S8"],
                  ["its preconditions (finite inputs, 0x1p-1000 <= prod <= 1, 0x1p-17 <= b <= 0.11), proved at its only call (WP and Eva)"]),
    "ddpm_philox4x32_round": (["P1", "P2", "P3", "P5", "P6", "P7"], []),
    "ddpm_philox4x32": (["P1", "P2", "P6", "P7", "P8"], []),
    "ddpm_noise_words": (["P1", "P2", "P4", "P6", "P7", "P8"], []),
    "lemma_xor_comm": (["P7"], ["none besides the trusted tools (a lemma has no precondition)"]),
}



# --------------------------------------------------------------------------
# The other binary64 builders and the spacings (report text)
# --------------------------------------------------------------------------

BUILDER_DOC = {
    "scaled-linear": dict(
        where="fp/fp_schedule_scaled_linear.c, contract of ddpm_fp_scaled_linear_betas in spec/ddpm_fp.h (predicate beta_finite in spec/schedule.acsl)",
        domain="2 <= T <= 10000; bmin, bmax finite; 0x1p-20 <= bmin <= 0x1p-8 (9.5e-7 .. 0.0039); 0x1p-8 <= bmax <= 0.75; beta[0..T] valid. Contains the defaults (T = 1000, 0.00085, 0.012) and the linear defaults (1e-4, 0.02); the run-time checks accept any 0 < bmin <= bmax < 1.",
        proves=[
            "beta_rng: for t = 1..T, beta[t] is finite (no NaN, no infinity) and 0 < beta[t] < 1 (in fact in [2^-21, 0.97]) [binary64: WP float model, Gappa + cvc5]",
            "no runtime error: no NaN/infinity in any rounded operation, array accesses in bounds, no signed overflow (WP -wp-rte; the int -> double division: Eva); assigns beta[0 .. T]; loop invariants, termination [WP]",
            "helper sl_frac: (t-1)/(T-1) is finite and in [0, 1] (eva_sl_frac) [binary64: Eva, every (T, t) of its domain]",
            "helper sl_beta: (lo + width frac)^2 finite in [2^-21, 0.97] [binary64: WP, Gappa]",
        ],
        libm=["L1 (sqrt)"],
    ),
    "cosine": dict(
        where="fp/fp_schedule_cosine.c, contract of ddpm_fp_cosine_betas in spec/ddpm_fp.h",
        domain="2 <= T <= 10000; s, max_beta finite; 0x1p-10 <= s <= 0x1p10 (0.00098 .. 1024); 0x1p-1022 <= max_beta <= 0x1.fffffffffffffp-1 (every normal double below 1); beta[0..T] valid. Contains the defaults (T = 1000, s = 0.008, max_beta = 0.999); the run-time checks accept s in (0, 1e6], max_beta in (0, 1).",
        proves=[
            "beta_rng: for t = 1..T, beta[t] is finite and 0 < beta[t] < 1 (beta[t] <= max_beta < 1) [binary64: WP float model, Gappa + cvc5]",
            "every sine/cosine argument stays in (0, pi) resp. [0, pi/2) (the libm preconditions L2, L3, proved at each call), so sin(b + a), sin(b - a), cos a >= 2^-31 and the quotient is finite in [2^-63, 2^63] [binary64: WP]",
            "no runtime error (no NaN/infinity, accesses, signed overflow of 2t - 1 and 2T - 2t + 1); assigns; loop invariants; termination [WP; conversions: Eva]",
            "helpers cos_dT ((double)T in [2, 10000]) and cos_units (n/T finite in [0, 2], >= 2^-14 if n >= 1, <= 1 if n <= T) [binary64: Eva, every (n, T) of their domain]",
        ],
        libm=["L2 (sin)", "L3 (cos)", "L8 (fmin)"],
    ),
    "li-yan": dict(
        where="fp/fp_schedule_li_yan.c, contract of ddpm_fp_li_yan_betas in spec/ddpm_fp.h",
        domain="64 <= T <= 10000; c0, c1 finite; 0x1p-4 <= c0 <= 64; 0x1p-4 <= c1 <= 6; beta[0..T] valid. Contains the defaults (T = 1000, c0 = 2, c1 = 4). T >= 64 and c1 <= 6 make k = c1 log T / T <= 0.87 hold on the whole box (a box cannot express the run-time check's k < 1, which relates c1 and T).",
        proves=[
            "beta_rng: for t = 1..T, beta[t] is finite and 0 < beta[t] < 1 (beta_1 in [2^-1011, 1 - 2^-53], beta_t in [2^-1031, 0.875] for t >= 2) [binary64: WP float model, Gappa + cvc5]",
            "exp may overflow to +infinity for large t (the proof does not bound t log1p(k) relationally); fmin(+inf, 1) = 1 keeps beta finite (L6, L8) [binary64: WP]",
            "no runtime error; assigns; loop invariants; termination [WP; conversions: Eva]",
            "helper ly_dbl: (double)n in [1, 10000], >= 64 if n >= 64 [binary64: Eva]",
        ],
        libm=["L4 (log)", "L5 (log1p)", "L6 (exp)", "L8 (fmin)"],
    ),
    "vp, ou": dict(
        where="fp/fp_schedule_continuous.c, contracts of ddpm_fp_vp_fill and ddpm_fp_ou_fill in spec/ddpm_fp.h (predicates beta_finite, abar_oma_finite in spec/schedule.acsl)",
        domain="vp: 2 <= T <= 10000; bmin, bmax, eps finite; 0x1p-10 <= bmin <= 1; 1 <= bmax <= 20; 0x1p-30 <= eps <= 0.25. ou: 2 <= T <= 10000; horizon, eps finite; 0.5 <= horizon <= 16; 0x1p-30 <= eps <= 0.25. Both: five valid, separated arrays of T+1 doubles. Contains the defaults (vp: T = 1000, 0.1, 20, 0.001; ou: T = 1000, horizon 5, eps 0.001). The run-time checks accept bmax up to 1000 and horizons up to 300, where for small T a step's increment exceeds 37 and beta_t rounds to 1.0 (refused at run time): the boxes keep every increment B_k - B_{k-1} <= 36.",
        proves=[
            "beta_rng: for k = 1..T, beta[k] is finite and 0 < beta[k] < 1 (in [2^-1001, 1 - 2^-52]) [binary64: WP float model, Gappa + cvc5]",
            "abar_rng: abar[0] == 1, oma[0] == 0, and for k = 1..T: abar[k] finite in (0, 1] and 1 - abar[k] (oma[k]) finite in (0, 1] [binary64: WP]",
            "the grid B_k, increments dB_k in [2^-41, 36] (B, dB arrays), every exp/expm1 argument in [-36, -2^-41] [binary64: WP]",
            "no runtime error; assigns (B[1 .. T], dB[1 .. T], beta, abar, oma [0 .. T]); loop invariants; termination [WP; conversions: Eva]",
            "helper grid: tau_k finite in [0, 16.5] (>= 2^-30 for k >= 1; <= 1.5 when end <= 1), width finite in [2^-30, 16] (<= 1 when end <= 1) [binary64: Eva, every (k, T) and every eps, end of its domain]",
        ],
        libm=["L6 (exp)", "L7 (expm1)"],
    ),
}

ASSUME_BUILDERS = [
    ("B1", "The preconditions of each builder's contract (spec/ddpm_fp.h), i.e. the parameter boxes above, with T <= DDPM_SCHED_PROVED_TMAX = 10000 (spec/schedule.acsl); valid (and for vp/ou separated) arrays. Outside the boxes the same code runs unproved and ddpm_fp_schedule_build checks the invariants at run time."),
    ("B2", "The int -> double conversions are confined to static helpers (sl_frac, cos_dT, cos_units, ly_dbl, grid) whose eva_* postconditions and conversion finiteness are proved by Eva only, through proofs/eva_builders.c, which calls each helper over its whole precondition domain (the loop over T is unrolled: every T in [2, 10000], the other integer argument as an interval, eps/end as binary64 intervals). Eva's results hold for those calls; since they cover the whole precondition domain and WP proves the precondition at every call in the builders, they hold for the builders' calls. The harness includes the builder files only to reach these static helpers (RTE restricted to them)."),
    ("B3", "WP takes the eva_* properties as hypotheses (-wp-prop=-eva_...), and, in the helpers' own WP run, does not check the finiteness of their int -> double operations (-wp-prop=-is_nan_or_infinite there; Eva checks it)."),
    ("B4", "glibc's libm behaves as stated in proofs/libm_assumptions.h (assumptions L1-L8 below): the only facts the proofs use about sqrt, sin, cos, log, log1p, exp, expm1, fmin; the file replaces Frama-C's math.h in these runs (-include, guard __FC_MATH). errno is not modelled (glibc may set it, e.g. ERANGE when exp overflows in li-yan; no builder reads it)."),
    ("B5", "IEEE-754 binary64, round to nearest even, every operation rounded separately, as in S5 (-ffp-contract=off, no -ffast-math, no change of rounding mode, SSE2)."),
    ("B6", "Machine model gcc_x86_64 (64-bit long long); preprocessing as in the build (-Ispec -Icli) plus -include proofs/libm_assumptions.h; no OpenMP or FP pragma in these files."),
    ("B7", "WP is modular: each builder's proof uses the contracts of its helpers (each proved on its own, above) and of the libm functions (assumed, L1-L8), and checks their preconditions at every call."),
    ("B8", "The builders were split into static helpers (and a few steps named as local variables) so that each rounded operation has its own goal; the computed values are bit-for-bit those of the previous code (same operations on the same operands in the same order; proofs/README.md lists each change)."),
    ("B9", "Trusted: Frama-C 25 (kernel, RTE, Eva, WP, Qed and its float library), Why3 1.5.1 and its drivers, proofs/why3/cvc5.drv, Gappa 1.4.1, cvc5 1.0.3, z3 4.8.12."),
]

ASSUME_LIBM = [
    ("L1", "sqrt (IEEE-754 correctly rounded, SSE2 sqrtsd): for finite x in [2^-20, 0.75], sqrt(x) is finite in [2^-10, 0.87]; x <= 2^-8 implies sqrt(x) <= 2^-4; x >= 2^-8 implies sqrt(x) >= 2^-4 (monotonic, sqrt(2^-8) = 2^-4 exactly)."),
    ("L2", "sin (faithful, <= 1 ulp): for finite x in [2^-30, 3.138671875] (inside (0, pi)), sin(x) is finite in [2^-31, 1]."),
    ("L3", "cos (faithful): for finite x in [0, 1.5703125] (pi/2 - 4.8e-4), cos(x) is finite in [2^-12, 1]."),
    ("L4", "log (faithful): for finite x in [2, 10000], log(x) is finite in [0.6875, 9.25]."),
    ("L5", "log1p (faithful): for finite x in [2^-20, 1], log1p(x) is finite in [2^-21, 0.75]."),
    ("L6", "exp (faithful): for finite x in [-700, 2^20], exp(x) is +infinity or finite and >= 2^-1011; if x <= 0 it is finite and <= 1; if x <= -2^-30 it is <= 1 - 2^-53; if -600 <= x <= 0 it is >= 2^-866 (exp(-600) = 2^-865.6; used by lcw)."),
    ("L7", "expm1 (faithful): for finite x in [-700, -2^-1000], expm1(x) is finite in [-1, -2^-1001]; if moreover x >= -36, expm1(x) >= -(1 - 2^-52)."),
    ("L8", "fmin (exact, C11 F.10.9.2): for x not NaN and y finite, fmin(x, y) is finite, <= y, equal to y or (x finite and) to x, and <= x when x is finite."),
]

ASSUME_SPACING = [
    ("T1", "The preconditions of spec/ddpm_spacing.h: ddpm_round_half_even: 0 <= n <= 2e14, 0 < d <= 2e14; leading: 1 <= K <= T <= DDPM_SPACING_TMAX, 0 <= offset, (K - 1)(T / K) + offset <= T - 1; trailing: 1 <= K <= T <= DDPM_SPACING_TMAX; linspace: 2 <= K <= T <= DDPM_SPACING_TMAX; ts[0 .. K-1] valid."),
    ("T2", "Machine integers (gcc_x86_64), -warn-signed-downcast: every conversion to int is checked in range; preprocessing -Ispec."),
    ("T3", "The lemma functions ddpm_lemma_* of common/spacing.c are proved in the same run and used by WP at their call sites."),
    ("T4", "Trusted: Frama-C 25 (kernel, RTE, WP, Qed), Why3 1.5.1 and its drivers, z3 4.8.12, cvc4 1.8. The run is proofs/spacing.sh (maintained with common/spacing.c); proofs/run calls it and parses its log proofs/out/spacing.log."),
]

NOT_PROVED = [
    "lcw (fp/fp_schedule_lcw.c): no contract. Bounding abar_{t-1} = abar_t + k abar_t (1 - abar_t) by 1 in binary64 needs a relation between the two separately rounded columns abar and oma (oma <= 1 - abar + small) carried over up to T steps; interval reasoning (Gappa) cannot express it and a per-step bound on oma underflows for long schedules (1 - abar_1 can legitimately be 1e-20 or far smaller). Checked at run time only.",
    "The derived columns of fp/fp_schedule.c (accumulate, derive) and ddpm_fp_jump: see their own section below (proved under stated preconditions; the calls that ddpm_fp_schedule_build makes are not analysed, and the checks of check_invariants stay).",
    "Strict or non-strict monotonicity of abar / 1 - abar for the builders other than linear: not proved (vp/ou would need B_k increasing and exp/expm1 monotonic; the beta-defined schedules get abar from accumulate()).",
    "The file schedule (beta read from a file): its range is checked when the file is read.",
    "Nothing in this report is a real-number-model result: every property listed above is about the binary64 computation (Eva or WP's float model).",
]


# --------------------------------------------------------------------------
# Integrator bounds (report text)
# --------------------------------------------------------------------------

STEP_DOC = [
    ("ddpm_fp_affine_apply", "affine kernel y' = (a y + b s) + c z",
     "spec/ddpm_fp_step.h (static inline; analysed as included by fp/fp_coeffs.c), ghost lemma ddpm_fp_affine_lemma",
     "a, y, b, s, c, z finite; |a|, |b|, |c| <= 2^600; |y|, |s|, |z| <= 2^400.",
     [
        "res_fin: the result is finite (no overflow, no NaN) [binary64: WP float model, Gappa]",
        "every rounded operation (3 products, 2 sums): finite, |p_i| <= 2^1000, |s1| <= 2^1001, and |fl(x) - x| - 2^-53 |x| <= 2^-1074 [Gappa]",
        "res_bnd: |y'| <= (|a y| + |b s| + |c z|)(1 + 2^-51) + 2^-1070 [binary64: Gappa per operation; the real step in the ghost lemma ddpm_fp_affine_lemma, cvc5]",
        "res_err (per-step rounding error of the update): |y' - (a y + b s + c z)| <= (3 + 2^-27) 2^-53 (|a y| + |b s| + |c z|) + 2^-1070 [same]",
     ]),
    ("ddpm_fp_coeffs_ddpm", "ddpm (var = beta | posterior | liyan)",
     "fp/fp_coeffs.c, contract in spec/ddpm_fp_step.h",
     "beta_j in [0, 1], alpha_j in [2^-54, 1], btilde_j in [0, 1] (finite); relative-error clauses for beta_j >= 2^-900.",
     [
        "a = fl(1/fl(sqrt alpha_j)): finite, 1 <= a <= 2^27, relative error <= 1.0039 * 2^-52 w.r.t. 1/sqrt(alpha_j)",
        "b = fl(beta_j a): finite, 0 <= b <= 2^27, relative error <= 3.008 * 2^-53 w.r.t. beta_j/sqrt(alpha_j)",
        "c: 0 without noise; posterior: c = fl(sqrt btilde_j) in [0, 1], relative error <= 2^-53 (btilde_j > 0; c = 0 for btilde_j = 0); liyan: c = fl(sqrt fl(beta_j/alpha_j)) in [0, 2^27], relative error <= 1.504 * 2^-53; beta: c = fl(sqrt beta_j) in [0, 1], relative error <= 2^-53",
        "behaviours complete and disjoint; every operation finite (RTE) [all: binary64, WP float model, Gappa; completeness: cvc5]",
     ]),
    ("ddpm_fp_coeffs_ddim", "ddim (0 <= eta <= 1)",
     "fp/fp_coeffs.c (with the ghost lemma function ddim_b_lemma), contract in spec/ddpm_fp_step.h",
     "eta in [0, 1], beta_j in [0, 1], alpha_j in [2^-54, 1], 1 - abar_t in [2^-1000, 1], 0 <= 1 - abar_p <= 1 - abar_t; the bound on b for beta_j >= 2^-300 and 1 - abar_t >= 2^-600.",
     [
        "a as for ddpm (finite, [1, 2^27], relative error <= 1.0039 * 2^-52)",
        "sigma^2 finite in [0, 1] (0 when eta = 0 or p = 0); q2 (1 - abar_p - sigma^2) finite, >= 0; A, Q finite, Q >= 0 [Gappa; (1 - abar_p)/(1 - abar_t) <= 1 by cvc5]",
        "c = fl(sqrt sigma^2): finite, in [0, 1]; c = 0 when eta = 0 or p = 0",
        "b finite, 0 <= b <= 2^560; b within relative 2^-50 of sqrt(1-abar_t) (beta_j/alpha_j + sigma^2)/(sqrt((1-abar_t)/alpha_j) + Q) (sigma^2, Q the computed values; assertion b_of) [Gappa]",
        "b_bnd: b <= sqrt(1-abar_t) (beta_j/alpha_j + 1)/sqrt((1-abar_t)/alpha_j) (1 + 2^-50) (= (beta_j + alpha_j)/sqrt(alpha_j) in real numbers); b_bnd0 (eta = 0 or p = 0): the same with sigma^2 = 0 (= beta_j/sqrt(alpha_j)) [lemmas ddim_b_*, ghost lemma ddim_b_lemma: cvc5, z3]",
     ]),
    ("ddpm_fp_coeffs_liyan_ode", "liyan-ode",
     "fp/fp_coeffs.c, contract in spec/ddpm_fp_step.h",
     "beta_j in [0, 1], alpha_j in [2^-54, 1]; relative error of b for beta_j >= 2^-900.",
     [
        "a as for ddpm; b = fl(0.5 fl(beta_j a)): finite in [0, 2^26], relative error <= 3.008 * 2^-53 w.r.t. beta_j/(2 sqrt(alpha_j)); c = 0 [Gappa]",
     ]),
    ("ddpm_fp_coeffs_em", "vp-em, ou-em",
     "fp/fp_coeffs.c, contract in spec/ddpm_fp_step.h",
     "h in [2^-60, 16], r in [2^-60, 20.125] (vp: h <= 1, beta_max <= 20; ou: horizon <= 16, r = 2).",
     [
        "a = fl(1 + fl(0.5 fl(h r))): finite in [1, 162], relative error <= 2^-52 w.r.t. 1 + h r/2; b = fl(h r): finite in (0, 322], relative error <= 2^-53; c = fl(sqrt fl(h r)) in (0, 18], relative error <= 1.504 * 2^-53 (noise), 0 (no noise) [Gappa]",
     ]),
    ("ddpm_fp_coeffs_ei", "vp-ei",
     "fp/fp_coeffs.c, contract in spec/ddpm_fp_step.h",
     "beta_j in [0, 1], alpha_j in [2^-54, 1]; relative errors for beta_j >= 2^-900.",
     [
        "a as for ddpm; b = fl(fl(2 beta_j)/fl(sa fl(1 + sa))), sa = fl(sqrt alpha_j): finite in [0, 2^28], relative error <= 5.516 * 2^-53 w.r.t. 2 beta_j/(sqrt(alpha_j)(1 + sqrt(alpha_j))); c = fl(sqrt fl(beta_j/alpha_j)) in [0, 2^27], relative error <= 1.504 * 2^-53 (noise), 0 (no noise) [Gappa]",
     ]),
    ("ddpm_fp_coeffs_pf_euler", "pf-euler (and pf-heun's predictor)",
     "fp/fp_coeffs.c, contract in spec/ddpm_fp_step.h",
     "h in [2^-60, 16], r in [2^-60, 20.125].",
     [
        "a = fl(1 + half), half = fl(0.5 fl(h r)): a finite in [1, 162], relative error <= 2^-52 w.r.t. 1 + h r/2; b = half in (0, 161], relative error <= 2^-53; c = 0 [Gappa]",
     ]),
    ("ddpm_fp_coeffs_heun", "pf-heun's corrector",
     "fp/fp_coeffs.c, contract in spec/ddpm_fp_step.h",
     "h in [2^-60, 16], r_t, r_p in [2^-60, 20.125].",
     [
        "a finite in [1, 81.5], relative error <= 2^-52 w.r.t. 1 + h r_t/4; b in (0, 80.5], relative error <= 2^-53 w.r.t. h r_t/4; c = 1; q in (0, 80.5], relative error <= 2^-53 w.r.t. h r_p/4 [Gappa]",
     ]),
]

BOUND_DOC = [
    ("step_bound_ddpm", "ddpm", "beta_j in [2^-900, 1], alpha_j in [2^-54, 1], btilde_j = 0 or in [2^-1074, 1]",
     "(R + beta_j S)/sqrt(alpha_j) + sigma Z, sigma = 0 (no noise), sqrt(btilde_j) (posterior), sqrt(beta_j/alpha_j) (liyan), sqrt(beta_j) (beta)"),
    ("step_bound_ddim", "ddim", "eta in [0, 1], beta_j in [2^-300, 1], alpha_j in [2^-54, 1], 1 - abar_t in [2^-600, 1], 0 <= 1 - abar_p <= 1 - abar_t",
     "R/sqrt(alpha_j) + B S + Z with B = sqrt(1-abar_t)(beta_j/alpha_j + 1)/sqrt((1-abar_t)/alpha_j) (= (beta_j + alpha_j)/sqrt(alpha_j)); for eta = 0 or p = 0: R/sqrt(alpha_j) + B0 S with B0 = sqrt(1-abar_t)(beta_j/alpha_j)/sqrt((1-abar_t)/alpha_j) (= beta_j/sqrt(alpha_j))"),
    ("step_bound_liyan_ode", "liyan-ode", "beta_j in [2^-900, 1], alpha_j in [2^-54, 1]",
     "R/sqrt(alpha_j) + beta_j S/(2 sqrt(alpha_j))"),
    ("step_bound_em", "vp-em, ou-em", "h in [2^-60, 16], r in [2^-60, 20.125]",
     "(1 + h r/2) R + h r S + sqrt(h r) Z (no noise: without the Z term)"),
    ("step_bound_ei", "vp-ei", "beta_j in [2^-900, 1], alpha_j in [2^-54, 1]",
     "R/sqrt(alpha_j) + 2 beta_j S/(sqrt(alpha_j)(1 + sqrt(alpha_j))) + sqrt(beta_j/alpha_j) Z (no noise: without the Z term)"),
    ("step_bound_pf_euler", "pf-euler", "h in [2^-60, 16], r in [2^-60, 20.125]",
     "(1 + h r/2) R + (h r/2) S"),
    ("step_bound_pf_heun", "pf-heun (a step with p > 0: predictor, score s2 at it with |s2| <= S2, corrector)", "h in [2^-60, 16], r_t, r_p in [2^-60, 20.125]; R, S, S2 <= 2^380",
     "(1 + h r_t/4) R + (h r_t/4) S + W, with W = (h r_p/4)(YT + S2)(1 + 2^-49) + 2^-1069 and YT = ((1 + h r_t/2) R + (h r_t/2) S)(1 + 2^-49) + 2^-1069 the bound on the predictor"),
]

ASSUME_STEP = [
    ("I1", "The preconditions of each contract (domains above; spec/ddpm_fp_step.h, proofs/step_bounds.c). alpha_j >= 2^-54 covers every nonzero alpha_j that ddpm_fp_jump can return (1 - q for a double q <= 1 is 0 or >= 2^-53); alpha_j = 0 is outside the domain (see Not proved). The wrappers take |y| <= R, |s| <= S, |z| <= Z with R, S, Z <= 2^400 (pf-heun: 2^380) and bounds on the score and noise as hypotheses."),
    ("I2", "IEEE-754 binary64, round to nearest even, each operation rounded separately, as in S5/B5 (-ffp-contract=off, no -ffast-math, SSE2). The annotations change no code: fp/fp_coeffs.c compiles to the same machine code with and without them (gcc -O2, checked)."),
    ("I3", "libm: sqrt only, through L9 (correct rounding), which replaces L1 in these runs (-DDDPM_LIBM_SQRT_CR)."),
    ("I4", "Memory model Typed+ref: WP treats the coefficient functions' pointer arguments as by-reference and states the model hypotheses \\valid(k) (and \\valid(q), \\separated(k, q) for pf-heun); these are exactly the functions' own preconditions 'valid'. In the wrappers the arguments are distinct local variables."),
    ("I5", "The helpers of spec/step.acsl have the Why3 meanings of proofs/step_fp.mlw (bound by proofs/step_fp.driver): rnd64 = Float64.round RNE; rnd_err, rel_err, radd, rmul, rdiv the exact real operations."),
    ("I6", "The lemmas of proofs/step_lemmas.c are proved in run 9 (each from the lemmas above it) and are hypotheses of runs 10-12."),
    ("I7", "Ghost code (not compiled): ghost variables name subterms of the C expressions (WP gives them the same terms); the ghost functions ddpm_fp_affine_lemma and ddim_b_lemma have empty bodies, their contracts (lem_*) are proved in run 11 and their preconditions at their one call each (run 10)."),
    ("I8", "Runs 10 and 11 split the same functions' goals by prover (-wp-prop: run 11 takes @complete_behaviors, ratio and lem_*, run 10 the rest); together they cover every goal of these functions."),
    ("I9", "The wrappers of proofs/step_bounds.c make the calls fp/fp_sampler.c makes (ddpm_fp_plan_step and step: the coefficient function, then ddpm_fp_affine_apply with c = 0, z = 0 for noise-free steps and pf-heun's w = q Ytilde + q s2); fp_sampler.c itself is not analysed, so the per-sampler bounds hold for it as long as it keeps making these calls."),
    ("I10", "Trusted: Frama-C 25 (kernel, RTE, WP, Qed and its float library), Why3 1.5.1 and its drivers (gappa, z3), proofs/why3/cvc5.drv, Gappa 1.4.1, cvc5 1.0.3, z3 4.8.12."),
]

DER_DOC = [
    ("accumulate", "abar_t and 1 - abar_t from beta",
     "fp/fp_schedule.c (static), contract there; predicates abar_given, abar_nonincr, oma_nondecr in spec/schedule.acsl; ghost lemma functions acc_fl, acc_fl2, acc_step",
     "1 <= T <= 10000 (DDPM_SCHED_PROVED_TMAX); beta_t finite in (0, 1) for t = 1..T; have_abar in {0, 1}, and when 1 (the linear builder's abar) abar_0 = 1 and every abar_t finite and equal to the rounded product rnd(abar_{t-1} rnd(1 - beta_t)) (abar_given); the beta, abar, oma arrays valid on 0..T and three separate blocks (\\base_addr distinct).",
     [
        "ends: abar_0 = 1, 1 - abar_0 = 0",
        "abar_rng (abar_nonincr): for t = 1..T, abar_t finite, 0 <= abar_t <= abar_{t-1} (so abar_t in [0, 1], non-increasing)",
        "oma_rng (oma_nondecr): for t = 1..T, 1 - abar_t finite, 0 < 1 - abar_t <= 1 and 1 - abar_{t-1} <= 1 - abar_t (in (0, 1], non-decreasing)",
        "oma_1: 1 - abar_1 = beta_1 or 1 - abar_1 >= 1/2 (so every 1 - abar_t >= min(beta_1, 1/2))",
        "given: with have_abar = 1 the abar column still satisfies abar_given (only abar_0 is rewritten, with its value 1)",
        "how: while abar >= 1/2 (recurrence oma += abar beta), the drift |(1 - abar_t) + abar_t - 1| <= t 2^-50 (loop invariant drift; per step Gappa bounds the four rounding errors, acc_step adds them), which keeps the sum <= 1; below 1/2 the code stores max(1 - abar_{t-1}, rnd(1 - abar_t)), non-decreasing by construction and in [1/2, 1] (without the max, beta = 0.49999999999999917, 1.8026540454656822e-15, 6.938893903907228e-17 gave 1 - abar_3 = 0.5 < 1 - abar_2 = 0.5 + 2^-53 and the fast path refused that valid schedule; tests/data/betas_switch.txt). Monotonic rounding (ax_*) gives abar_t <= abar_{t-1} and the sum's monotonicity; on the recurrence's side 1 - abar_1 = rnd(0 + rnd(1 beta_1)) = beta_1",
        "no runtime error: every float operation finite (Gappa), memory accesses, no overflow of t; assigns; loop invariants; termination",
     ]),
    ("derive", "alpha, log abar, betatilde, SNR, square roots",
     "fp/fp_schedule.c (static), contract there; predicates columns_valid, columns_apart there; ghost lemma functions sqrt_fl, der_alpha_fl, btilde_fl, snr_fl, bt_fl",
     "1 <= T <= 10^7 (DDPM_T_MAX); every column valid on 0..T and the nine columns separate blocks (columns_apart); for t = 1..T: beta_t finite in (0, 1), abar_t finite in (0, 1], 1 - abar_t finite in [2^-1022, 1] and non-decreasing, 1 - abar_0 = 0 (finite). accumulate's postcondition gives all of these but abar_t > 0 (checked by check_invariants, which runs after derive) for T <= 10000.",
     [
        "ends: alpha_0 = 1, log abar_0 = 0, betatilde_0 = 0, sqrt abar_0 = 1, sqrt(1 - abar_0) = 0 (snr_0 = +infinity is stored but not claimed)",
        "alpha: for t = 1..T, alpha_t = rnd(1 - beta_t) finite in [2^-53, 1]",
        "log_abar: log abar_t finite in [-745, 0] (log1p(-(1 - abar_t)) when 1 - abar_t < 1/2, log(abar_t) otherwise; L10, L11)",
        "btilde: betatilde_t finite and 0 <= betatilde_t <= beta_t (the ratio rnd((1 - abar_{t-1})/(1 - abar_t)) is in [0, 1] by monotonic rounding, then rnd(beta_t r) <= beta_t)",
        "snr: SNR_t = rnd(abar_t/(1 - abar_t)) finite, >= 0 (<= 2^1022)",
        "roots: sqrt(abar_t) and sqrt(1 - abar_t) finite in [0, 1] (L9)",
        "no runtime error: memory accesses, no overflow of t; every value computed for t >= 1 finite by the assertions above (the RTE float alarms are off for derive: -warn-special-float none, because of snr_0 = INFINITY); assigns; loop invariants; termination",
     ]),
    ("ddpm_fp_jump", "jump coefficients beta_j, alpha_j",
     "fp/fp_schedule.c, contract in spec/ddpm_fp.h; ghost lemma functions jump_fl, alpha_fl, jump_lemma",
     "0 <= p < t <= s->T <= 10^7; beta_r finite in (0, 1) for r = p+1..t; beta_jump, alpha_jump valid, separated from each other, from s and from beta[p+1..t].",
     [
        "beta_j: beta_jump finite, 0 < beta_jump <= 1 (it can be exactly 1: then alpha_jump = 0)",
        "alpha_j: alpha_jump finite, 0 <= alpha_jump <= 1",
        "one_step: t = p + 1 ==> beta_jump = beta_t exactly",
        "alpha_exact: beta_jump >= 1/2 ==> alpha_jump = 1 - beta_jump exactly (Sterbenz); alpha_err: |alpha_jump - (1 - beta_jump)| <= 2^-53",
        "alpha_zero: alpha_jump = 0 <==> beta_jump = 1; alpha_min: alpha_jump != 0 ==> alpha_jump >= 2^-53 (so the coefficient contracts' domain alpha_j >= 2^-54 covers every nonzero alpha_j)",
        "how: q stays in [0, 1] (q + rnd(rnd(1 - q) b) <= 1 + 2^-53, which rounds to 1) and never decreases (monotonic rounding); no runtime error; loop invariants; termination",
     ]),
]

ASSUME_DER = [
    ("D1", "The preconditions of each contract (above). ddpm_fp_schedule_build, which calls accumulate and derive, is not analysed: that its calls meet them is not proved (the columns are separate mallocs; the betas of the proved builders are in (0, 1); derive's 1 - abar_t >= 2^-1022 follows from accumulate's oma_1 when beta_1 >= 2^-1022; abar_t > 0 is what check_invariants checks, after derive). For have_abar = 1 the linear builder computes abar_t = prod * (1.0 - b) with prod = abar_{t-1}, i.e. abar_given, but its contract does not state it."),
    ("D2", "IEEE-754 binary64, round to nearest even, each operation rounded separately, as in S5/B5. The annotations change no code (comments to the compiler): fp/fp_schedule.c compiled (gcc -O2) to the same machine code with and without them (checked with objdump -d); the one change of values made for the proofs is accumulate's max (above)."),
    ("D3", "rnd64 is Why3's Float64.round RNE (proofs/step_fp.driver, as I5); rnd_err, radd, rsub, rmul, rdiv are the exact real operations (proofs/step_fp.mlw, proofs/exact_ops.mlw)."),
    ("D4", "Why3's axiomatisation of IEEE-754 (stdlib ieee_float: Round_monotonic, Round_to_real, lt_finite, le_finite, neg_finite, the operations' finite cases), the theory WP's float model is defined with, is trusted: the ax_* properties are proved by cvc5 from it (proofs/why3/cvc5_axfp.drv) instead of cvc5's native floating point."),
    ("D5", "The combination goals are proved with rnd64 and the floating-point symbols uninterpreted and the ieee_float axioms removed (proofs/exact_ops.driver, proofs/why3/cvc5_nofp.drv); they use the fl_/ax_/fp_ facts proved by the other runs as hypotheses. Removing axioms or meanings only weakens what the prover may assume."),
    ("D6", "Every property of these functions is proved in exactly one of the seven runs: the runs select by the prefix of the property name (fl_ Gappa, ax_ cvc5 on the axioms, fp_ cvc5 native, all other names and RTE memory/overflow alarms in the combination run; RTE float alarms with Gappa). The name lists are read from fp/fp_schedule.c by proofs/run."),
    ("D7", "derive is analysed with -warn-special-float none (no RTE alarm on float operations): snr[0] = INFINITY is infinite on purpose, and WP encodes Frama-C's \\plus_infinity as the rounding of the real 1/0, about which nothing can be proved. Every value derive computes for t >= 1 is proved finite by explicit assertions and postconditions instead."),
    ("D8", "Ghost code (not compiled): ghost variables copy values read or computed by the C code (WP gives them the same terms; where the C index t - 1 is a machine integer the assertion idx relates the two); the ghost lemma functions have empty or assertion-only bodies and are proved like the other functions; their preconditions are proved at every call."),
    ("D9", "Trusted: Frama-C 25 (kernel, RTE, WP, Qed and its float library), Why3 1.5.1 with its drivers, its ieee_float theory and the local drivers proofs/why3/cvc5.drv, cvc5_axfp.drv, cvc5_nofp.drv, Gappa 1.4.1, cvc5 1.0.3."),
]

ASSUME_LIBM_DER = [
    ("L9", "sqrt (IEEE-754 correctly rounded): for finite x >= 0, sqrt(x) is finite and equals rnd64(sqrt x) (as in the integrator bounds)."),
    ("L10", "log (faithful, <= 1 ulp): for finite x in (0, 1] (i.e. [2^-1074, 1] for a double), log(x) is finite in [-745, 0] (log 2^-1074 = -744.44; log(1) = +0, C11 F.10.3.7)."),
    ("L11", "log1p (faithful): for finite x in [-1/2, 0], log1p(x) is finite in [-0x1.63p-1, 0] = [-0.69336, 0] (log1p(-1/2) = -0.693147; log1p(+-0) = +-0, C11 F.10.3.9)."),
]

NOT_PROVED_DER = [
    "abar_t > 0: not implied by 0 < beta_t < 1 (abar underflows for long schedules with large betas); left to check_invariants, and a precondition of derive.",
    "ddpm_fp_schedule_build, check_invariants and file_betas are not analysed; the link from the builders' postconditions to accumulate's and derive's preconditions is not proved (D1), in particular not for lcw, vp and ou (have_abar = 2), whose 1 - abar is not proved non-decreasing.",
    "snr_0 = +infinity: stored, not claimed (D7).",
]

LCW_DOC = [
    "Source: fp/fp_schedule_lcw.c (ddpm_fp_lcw_fill, contract in spec/ddpm_fp.h; static helpers lcw_dbl, lcw_k, lcw_x, lcw_cap1; ghost lemma functions lcw_fl, lcw_beta_fl, lcw_step, lcw_add_ge, lcw_mul_le, lcw_fix, lcw_lt, lcw_div_le1, lcw_consts).",
    "Domain (preconditions): 100 <= T <= 10000, c0 in [2^-4, 64], c1 in [2^-4, 10] (finite), so that k = c1 log T / T <= 0.93 < 1 and c0 log T <= 600 (the defaults T = 100, c0 = 2, c1 = 10 are inside); beta, abar, oma valid on 0..T and separated.",
    "Proved: every value stored is finite; abar_0 = 1 and 2^-866 <= abar_t <= abar_{t-1} (in (0, 1], non-increasing); 1 - abar_0 = 0 and 0 <= 1 - abar_{t-1} <= 1 - abar_t <= 1 (in [0, 1], non-decreasing); beta_0 = 0, beta_1 = 1 - abar_1, 0 <= beta_t <= 1 for t = 2..T; no runtime error; loop invariants, assigns, termination.",
    "How: per step (t = T..2, backwards) Gappa bounds m = rnd(k abar_t), g = rnd(m (1 - abar_t)), rnd(abar_t + g), rnd(1 - m) >= 1/16 and the products; monotonic rounding (ax_*) gives g <= m <= abar_t <= abar_{t-1} and rnd((1 - abar_t) rnd(1 - m)) <= 1 - abar_t, and rnd(g / abar_{t-1}) <= 1.",
    "Code change for the proof: abar_{t-1} = min(abar_t + g, 1) (lcw_cap1). The exact abar_{t-1} = abar_t (1 + k (1 - abar_t)) is below 1 for k < 1, but abar and 1 - abar are computed separately and their rounding errors could take the sum past 1; the cap can only move it closer to the exact value. common/model_tables.c (check_lcw) and ref/emu_schedule.c make the same computation.",
    "Assumptions: the preconditions (ddpm_fp_schedule_build is not analysed: that the schedule spec's parameters lie in the box is not checked by the code, outside it check_invariants decides at run time); IEEE binary64 as D2 (the lcw file is compiled with -ffp-contract=off); D3-D6, D8, D9 as for the derived columns; libm L4 (log), L6 (exp, with the clause exp(x) >= 2^-866 for x in [-600, 0]: exp(-600) = 2^-865.6), L7 (expm1); lcw_dbl's (double)T by Eva (B2).",
    "Not proved: 1 - abar_t > 0 and beta_t > 0 (1 - abar_1 is a product of up to T - 1 factors 1 - k abar in [1/16, 1] and could underflow in binary64 as far as this proof knows; in the reals it is at least about T^-(c1/(1 - k))); beta_t < 1 (in the reals beta_t <= k/(1 + k(1 - abar_t)) < 1; the binary64 proof stops at <= 1: the strict bound needs rnd(k abar) <= (15/16) abar, a relative-error fact that cvc5 did not derive from Gappa's bound in 90 s); beta_1 < 1 (the schedule check requires 1 - abar_1 <= 0.01). check_invariants checks all of them at run time.",
    "Real-number model: abar_T = T^-c0 in (0, 1) and abar_{t-1} = abar_t (1 + k (1 - abar_t)) with 0 < k < 1 give abar_t < abar_{t-1} < 1 (the step: lemma lcw_step of proofs/real_model.c, run 15; the induction over t by hand): 0 < abar_t < 1, strictly decreasing in t, so 0 < beta_t < 1.",
]

NOT_PROVED_STEP = [
    "alpha_j = 0: ddpm_fp_jump returns alpha_j = 1 - q = 0 when q rounds to 1 (the product of the jump's alphas below about 2^-54 with some beta_t > 1/2); then a = 1/sqrt(0) = +inf and the fast path writes NaN samples with exit code 0. Reproduced: `ddpmref sample --target gauss:d=2,mean=0,var=1 --schedule ou:T=30,horizon=66.7,eps=0.01 --sampler ddpm:var=beta --steps 1 --spacing trailing` (also ddim:eta=0, vp-ei); the schedule passes the run-time checks (abar_T = 1.2e-58). Outside every contract here (alpha_j >= 2^-54).",
    "The end-to-end rounding error of a sampler step w.r.t. the exact update with the exact coefficients is not one WP contract: its ingredients are (the kernel's res_err and each coefficient's relative error), but the last step, |(a - A) y| <= e A R, is a nonlinear inequality that z3 and cvc5 did not prove here. By hand: |y' - (A y + B s + C z)| <= (3 + 2^-27) 2^-53 M + e M' + 2^-1070, with M = |a y| + |b s| + |c z| <= (1 + e) M', M' = A |y| + B |s| + C |z| and e the largest relative error of the sampler's coefficients (at most 5.516 * 2^-53, vp-ei's b).",
    "ddim: the proved bound on b drops Q (and raises sigma^2 to 1 unless sigma = 0); b <= sqrt(1 - abar_t)(A - Q), the table's value, needs the schedule relation between 1 - abar_t, 1 - abar_p and alpha_j, which the box domain does not state. b's relative error w.r.t. the table formula is stated only for its last five operations (assertion b_of).",
    "ddpm: b <= a (monotonic rounding of beta_j a <= a) is not stated: Gappa reasons with error bounds, not monotonicity, and cvc5's bit-level multiplier timed out; b <= 2^27 and its relative error are proved instead.",
]


def cmd_final(outdir, total_ms, report):
    steps = []
    tsv = read(os.path.join(outdir, "steps.tsv")) or []
    for ln in tsv[1:]:
        parts = ln.split("\t")
        if len(parts) == 4:
            steps.append((parts[0], parts[1], int(parts[2]), int(parts[3])))
    by_log = {s[1]: s for s in steps}
    results = {}
    problems = []
    goals = proved = alarms = eva_runs = 0
    for log in STEP_ORDER:
        if log not in by_log:
            problems.append("step %s did not run" % log)
            if STEPS[log]["kind"] == "wp":
                goals += 1
            else:
                alarms += 1
            continue
        name, _, rc, ms = by_log[log]
        res = parse(os.path.join(outdir, log), rc)
        results[log] = res
        if res["kind"] == "wp":
            goals += res["goals"]
            proved += res["proved"]
        else:
            eva_runs += 1
            alarms += res["alarms"]
        problems += ["%s: %s" % (log, p) for p in res["problems"]]

    status = "goals=%d proved=%d eva_alarms=%d eva_runs=%d" % (
        goals, proved, alarms, eva_runs)
    with open(os.path.join(outdir, "status"), "w") as f:
        f.write(status + "\n")
    ok = (not problems) and goals > 0 and goals == proved and alarms == 0

    with open(os.path.join(outdir, "timings.txt"), "w") as f:
        f.write("# proofs/run timings (wall clock, this machine)\n")
        for name, log, rc, ms in steps:
            f.write("%-34s %8s  (%s, exit %d)\n" % (name, fmt_secs(ms), log, rc))
        f.write("%-34s %8s\n" % ("total", fmt_secs(total_ms)))

    write_report(report, results, status, ok, problems)

    print("-" * 60)
    print("status: %s" % status)
    print("total time: %s (timings: %s/timings.txt)" % (fmt_secs(total_ms), outdir))
    for p in problems:
        print("problem: %s" % p)
    print("RESULT: %s" % ("all goals proved, no Eva alarm" if ok else "FAILED"))
    return 0 if ok else 1


def write_report(path, results, status, ok, problems):
    v_fc = tool_version(["frama-c", "-version"], r"(\S+)")
    v_why3 = tool_version(["why3", "--version"], r"version (\S+)")
    v_z3 = tool_version(["z3", "--version"], r"version (\S+)")
    v_cvc5 = tool_version(["cvc5", "--version"], r"version (\S+)")
    v_gappa = tool_version(["gappa", "--version"], r"(\d+\.\d+(?:\.\d+)?)")
    L = []
    w = L.append
    w("# Proof report")
    w("")
    w("Generated by `proofs/run` (do not edit; how to run and what it means: "
      "`proofs/README.md`). Timings are in `proofs/out/timings.txt`.")
    w("")
    w("Result: **%s**" % ("all WP goals proved, Eva: no alarm left" if ok
                         else "FAILED"))
    w("")
    w("Status line (`proofs/out/status`): `%s`" % status)
    w("")
    if problems:
        w("Problems:")
        w("")
        for p in problems:
            w("- %s" % p)
        w("")
    w("Tools: Frama-C %s, Why3 %s, z3 %s, cvc5 %s, Gappa %s; "
      "machdep gcc_x86_64." % (v_fc, v_why3, v_z3, v_cvc5, v_gappa))
    w("")
    w("## Runs")
    w("")
    w("| run | model | goals | proved / alarms left |")
    w("|---|---|---|---|")
    for log in STEP_ORDER:
        spec = STEPS[log]
        res = results.get(log)
        if spec["kind"] == "wp":
            cnt = ("%d" % res["goals"], "%d proved" % res["proved"]) if res else ("-", "not run")
            w("| %s | %s | %s | %s |" % (spec["title"], spec["model"], cnt[0], cnt[1]))
        else:
            if res:
                cnt = ("%d alarms checked" % (res["generated"] or 0),
                       "%d left" % res["alarms"])
            else:
                cnt = ("-", "not run")
            w("| %s | Eva abstract interpretation (IEEE binary64, sound ranges) | %s | %s |"
              % (spec["title"], cnt[0], cnt[1]))
    w("")

    eva = results.get("eva_schedule.log")

    def wp_counts(fn):
        rows = []
        for log in STEP_ORDER:
            spec = STEPS[log]
            res = results.get(log)
            if spec["kind"] != "wp" or res is None or fn not in res["per_fn"]:
                continue
            g, p = res["per_fn"][fn]
            rows.append((spec, g, p))
        return rows

    def section(fn, assumptions):
        doc = FN_DOC[fn]
        title = fn if not fn.startswith("lemma_") else "lemma " + fn[len("lemma_"):]
        w("### %s" % title)
        w("")
        w("Source: %s." % doc["where"])
        w("")
        for spec, g, p in wp_counts(fn):
            w("- %s: goals %d, proved %d; provers: %s; model: %s."
              % (spec["short"], g, p, spec["provers"], spec["model"]))
        if eva is not None and fn in eva["per_fn"]:
            d = eva["per_fn"][fn]
            props = ", ".join("%s %s" % (n, "valid" if v else "NOT VALID")
                              for n, v in d["props"]) or "none"
            w("- Eva (abstract interpretation over the whole precondition domain): "
              "%d RTE alarms checked, %d valid; callee preconditions checked at "
              "call sites: %d, %d valid; eva_* properties: %s."
              % (d["alarms"], d["alarms_valid"], d["calls"], d["calls_valid"], props))
        w("- Proved:")
        for p in doc["proves"]:
            w("  - %s" % p)
        ids, extra = ASSUME_IDS[fn]
        w("- Assumptions: %s%s." % (", ".join(ids), "".join("; " + e for e in extra)))
        w("")

    w("## Linear schedule builder (fp/fp_schedule_linear.c)")
    w("")
    for fn in ["ddpm_fp_linear_fill", "linear_frac", "linear_beta", "abar_step"]:
        section(fn, ASSUME_SCHEDULE)
    w("Assumptions (referred to above by number):")
    w("")
    for k, a in ASSUME_SCHEDULE:
        w("- %s. %s" % (k, a))
    w("")
    w("## Philox (common/philox.c)")
    w("")
    for fn in ["ddpm_philox4x32_round", "ddpm_philox4x32", "ddpm_noise_words",
               "lemma_xor_comm"]:
        section(fn, ASSUME_PHILOX)
    w("Assumptions (referred to above by number):")
    w("")
    for k, a in ASSUME_PHILOX:
        w("- %s. %s" % (k, a))
    w("")

    beva = results.get("eva_builders.log")
    w("## Other binary64 schedule builders (scaled-linear, cosine, li-yan, vp, ou)")
    w("")
    w("Every property below is about the binary64 computation itself (WP's "
      "IEEE float model, or Eva), never a real-number-model result. What "
      "binary64 holds and what is claimed: 0 < beta_t < 1 and finite for every "
      "builder; for vp and ou, which fill abar and 1 - abar themselves, also "
      "abar_t and 1 - abar_t finite in (0, 1]. Assumptions common to all: "
      "B1-B9 and the libm assumptions named per builder (L1-L8, "
      "proofs/libm_assumptions.h).")
    w("")
    for b in ["scaled-linear", "cosine", "li-yan", "vp, ou"]:
        doc = BUILDER_DOC[b]
        w("### %s" % b)
        w("")
        w("Source: %s." % doc["where"])
        w("")
        w("Domain (preconditions): %s" % doc["domain"])
        w("")
        w("| function | WP goals | WP proved | Eva alarms checked / valid | eva_* properties |")
        w("|---|---|---|---|---|")
        for fn in BUILDER_FNS[b]:
            g = p = 0
            for spec, gg, pp in wp_counts(fn):
                g += gg
                p += pp
            if beva is not None and fn in beva["per_fn"]:
                d = beva["per_fn"][fn]
                ev = "%d / %d" % (d["alarms"], d["alarms_valid"])
                props = ", ".join("%s %s" % (n, "valid" if v else "NOT VALID")
                                  for n, v in d["props"]) or "-"
            else:
                ev, props = "-", "-"
            w("| %s | %d | %d | %s | %s |" % (fn, g, p, ev, props))
        w("")
        w("WP runs: %s (provers: %s) and, for the int -> double helpers, %s "
          "(%s). Eva run: %s."
          % (STEPS["wp_builders.log"]["model"], STEPS["wp_builders.log"]["provers"],
             STEPS["wp_builder_helpers.log"]["short"],
             STEPS["wp_builder_helpers.log"]["provers"],
             STEPS["eva_builders.log"]["title"]))
        w("")
        w("- Proved:")
        for x in doc["proves"]:
            w("  - %s" % x)
        w("- Assumptions: B1-B9; libm: %s." % ", ".join(doc["libm"]))
        w("")
    w("Assumptions (referred to above by number):")
    w("")
    for k, a in ASSUME_BUILDERS + ASSUME_LIBM:
        w("- %s. %s" % (k, a))
    w("")
    w("Not proved (run-time checks only):")
    w("")
    for x in NOT_PROVED:
        w("- %s" % x)
    w("")

    w("## Timestep spacings (common/spacing.c)")
    w("")
    w("Contracts in spec/ddpm_spacing.h, proved by proofs/spacing.sh; model: "
      "%s; provers: %s." % (STEPS["spacing_run.log"]["model"],
                            STEPS["spacing_run.log"]["provers"]))
    w("")
    sp = results.get("spacing_run.log")
    w("| function | WP goals | WP proved |")
    w("|---|---|---|")
    if sp is not None:
        for fn in sorted(sp["per_fn"]):
            g, p = sp["per_fn"][fn]
            w("| %s | %d | %d |" % (fn, g, p))
    w("")
    w("- Proved: ddpm_round_half_even: the result is round_half_even(n, d); "
      "ddpm_spacing_leading, ddpm_spacing_trailing, ddpm_spacing_linspace: "
      "range (every ts[i] in [0, T)), strictly decreasing, first (trailing, "
      "linspace: ts[0] == T - 1) and last (leading: ts[K-1] == offset; "
      "linspace: ts[K-1] == 0); assigns; no runtime error (-wp-rte, "
      "-warn-signed-downcast) [machine integers: WP].")
    w("- Assumptions: T1-T4.")
    w("")
    w("Assumptions (referred to above by number):")
    w("")
    for k, a in ASSUME_SPACING:
        w("- %s. %s" % (k, a))
    w("")
    w("## Integrator bounds of the reverse step (fp/fp_coeffs.c, spec/ddpm_fp_step.h)")
    w("")
    w("Every result below is about the binary64 computation (WP's IEEE float "
      "model), except the lemmas (real numbers). Runs: 9 %s; 10 %s; 11 %s; 12 %s. "
      "Model: %s. Assumptions: I1-I10 and L9."
      % (STEPS["wp_step_lemmas.log"]["provers"], STEPS["wp_step_coeffs.log"]["provers"],
         STEPS["wp_step_coeffs_smt.log"]["provers"], STEPS["wp_step_bounds.log"]["provers"],
         STEP_MODEL))
    w("")
    step_logs = ["wp_step_lemmas.log", "wp_step_coeffs.log", "wp_step_coeffs_smt.log",
                 "wp_step_bounds.log"]
    def step_counts(fn):
        g = p = 0
        for log in step_logs:
            res = results.get(log)
            if res is not None and fn in res["per_fn"]:
                g += res["per_fn"][fn][0]
                p += res["per_fn"][fn][1]
        return g, p
    w("| function | WP goals | WP proved |")
    w("|---|---|---|")
    for fn in KERNEL_FNS + COEFF_FNS + GHOST_FNS + BOUND_FNS + ["lemma_* (lemma functions)"]:
        g, p = step_counts(fn)
        w("| %s | %d | %d |" % (fn, g, p))
    w("")
    for fn, what, where, domain, proves in STEP_DOC:
        w("### %s: %s" % (fn, what))
        w("")
        w("Source: %s." % where)
        w("")
        w("Domain (preconditions): %s" % domain)
        w("")
        w("- Proved:")
        for x in proves:
            w("  - %s" % x)
        w("- Assumptions: I1-I10, L9.")
        w("")
    w("### Per-sampler bounds (proofs/step_bounds.c)")
    w("")
    w("Each wrapper calls the real coefficient function and the real kernel "
      "(ddpm_fp_affine_apply) as fp/fp_sampler.c does. Proved for each, given "
      "|y| <= R, |s| <= S, |z| <= Z (R, S, Z <= 2^400): the new coordinate is "
      "finite and |y'| <= (A R + B S + C Z)(1 + 2^-49) + 2^-1069, with A, B, C "
      "the exact coefficients below (real numbers, functions of the schedule "
      "values; spec/maths.md section 4) [binary64 through the contracts above; "
      "the composition by cvc5 with the lemmas mag_le, rel_upper and the "
      "coefficients' signs].")
    w("")
    w("| wrapper | sampler | domain | A R + B S + C Z |")
    w("|---|---|---|---|")
    for fn, smp, dom, bnd in BOUND_DOC:
        w("| %s | %s | %s | %s |" % (fn, smp, dom, bnd))
    w("")
    w("Assumptions (referred to above by number):")
    w("")
    for k, a in ASSUME_STEP:
        w("- %s. %s" % (k, a))
    w("- L9. sqrt (IEEE-754 correctly rounded, SSE2 sqrtsd): for finite x >= 0, sqrt(x) is finite and equals the real square root rounded to nearest even (proofs/libm_assumptions.h, used instead of L1 by these runs).")
    w("")
    w("Not proved (and problems found):")
    w("")
    for x in NOT_PROVED_STEP:
        w("- %s" % x)
    w("")

    w("## Derived columns and jump coefficients (fp/fp_schedule.c)")
    w("")
    w("Every result below is about the binary64 computation (WP's IEEE float "
      "model), under the preconditions stated. Runs (proofs/run step 13, the "
      "goals split by prover on the prefix of the property names, D6): %s."
      % "; ".join("%s (%s)" % (STEPS[l]["title"], STEPS[l]["provers"]) for l in DER_LOGS))
    w("")
    def der_counts(fn):
        g = p = 0
        for log in DER_LOGS:
            res = results.get(log)
            if res is not None and fn in res["per_fn"]:
                g += res["per_fn"][fn][0]
                p += res["per_fn"][fn][1]
        return g, p
    w("| function | WP goals | WP proved |")
    w("|---|---|---|")
    for fn in DER_FNS:
        g, p = der_counts(fn)
        w("| %s | %d | %d |" % (fn, g, p))
    w("")
    for fn, what, where, domain, proves in DER_DOC:
        w("### %s: %s" % (fn, what))
        w("")
        w("Source: %s." % where)
        w("")
        w("Domain (preconditions): %s" % domain)
        w("")
        w("- Proved:")
        for x in proves:
            w("  - %s" % x)
        w("- Assumptions: D1-D9; libm: %s." % ("L9, L10, L11" if fn == "derive" else "none"))
        w("")
    w("The ghost lemma functions (rounding facts rnd_*, consts, half_cmp, "
      "one_or_below; the per-step facts acc_fl, acc_fl2, acc_step, sqrt_fl, "
      "der_alpha_fl, btilde_fl, snr_fl, bt_fl, jump_fl, alpha_fl, jump_lemma) "
      "are proved like the functions above; their contracts are the steps of "
      "those proofs.")
    w("")
    w("Assumptions (referred to above by number):")
    w("")
    for k, a in ASSUME_DER + ASSUME_LIBM_DER:
        w("- %s. %s" % (k, a))
    w("")
    w("Not proved (and problems found):")
    w("")
    for x in NOT_PROVED_DER:
        w("- %s" % x)
    w("")
    w("## lcw builder (fp/fp_schedule_lcw.c)")
    w("")
    w("About the binary64 computation (WP's IEEE float model). Runs (proofs/run "
      "step 14, split by prover as step 13): %s; lcw_dbl: Eva (run 5) and run 7."
      % "; ".join("%s (%s)" % (STEPS[l]["title"], STEPS[l]["provers"]) for l in LCW_LOGS))
    w("")
    w("| function | WP goals | WP proved |")
    w("|---|---|---|")
    for fn in LCW_FNS:
        g = p = 0
        for log in LCW_LOGS:
            res = results.get(log)
            if res is not None and fn in res["per_fn"]:
                g += res["per_fn"][fn][0]
                p += res["per_fn"][fn][1]
        w("| %s | %d | %d |" % (fn, g, p))
    w("")
    for x in LCW_DOC:
        w("- %s" % x)
    w("")
    with open(path, "w") as f:
        f.write("\n".join(L))


def main(argv):
    if len(argv) >= 5 and argv[1] == "line":
        return cmd_line(argv[2], argv[3], argv[4])
    if len(argv) >= 5 and argv[1] == "final":
        return cmd_final(argv[2], int(argv[3]), argv[4])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
