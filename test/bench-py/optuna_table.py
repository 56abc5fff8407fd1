#!/usr/bin/env python3
"""Optuna peer of Frontier's `samplers` benchmark (test/src/bench/samplers-optuna.ts runs it).

Replays Optuna's NSGA-II and TPE samplers on a Frontier table (search/tables/*.json): the same
space, the same objectives and constraints, one Optuna study per seed. Reads a job as JSON on stdin:

    {"table": path, "objectives": [...], "constraints": {...},
     "samplers": [{"name": "nsga2" | "tpe" | "tpe-multivariate", "seeds": [...], "maxTrials": n}, ...],
     "stop": {"scales": [{"metric": m, "scale": "accuracy" | "log", "lo": x, "hi": y}, ...],
              "reference": 1.0, "hypervolume": h, "fraction": 0.99}}

and writes {"version": optuna version, "cpuSeconds": its CPU time, "runs": {sampler: [{"seed": s, "rows": [...]}, ...]}} on
stdout, where rows are the table rows each trial evaluated, in trial order (-1: a recipe the table
lacks, reported to Optuna as a failed trial), and "truncated" says the time budget cut the run short. Frontier computes the hypervolume traces from them
with its own code, so both sides are measured by one yardstick. A run stops after its `maxTrials` trials
or once the feasible recipes it found hold `stop.fraction` of the true front's hypervolume, in the
units of Frontier's one benchmark definition (search/src/tabular/front-tracker.ts: accuracy
(hi - a) / (hi - lo) between the table's best and the floor, costs (ln v - ln lo) / (ln hi - ln lo)
over the table's range, reference 1.0); the hypervolume here is Optuna's own WFG, used only to stop
early. A sampler's `budgetSeconds` bounds its CPU time (time.process_time, so that other work on a
shared machine does not eat into it): once spent, the running study stops (its run is reported as
truncated) and no further seed starts.

The space is read from the table's Frontier space spec: an optional technique becomes a
categorical on/off parameter, its parameters are suggested only when it is on (Optuna's
define-by-run conditional spaces); value lists become categoricals, ranges suggest_float /
suggest_int with their step and log scale. Defaults for parameters a space leaves out are copied
from search/src/space/param-domains.ts. Python is a peer only, never a dependency of Frontier.
"""
import json
import math
import sys
import time
import warnings

import numpy as np
import optuna
from optuna._hypervolume import WFG

TECHNIQUES = ["lowRank", "prune", "distill", "quant"]
PARAMS = {
    "lowRank": ["rankRatio"],
    "prune": ["ratio", "structure", "scope", "criterion"],
    "distill": ["temperature", "alpha", "epochs", "layers"],
    "quant": ["weightBits", "activationBits", "granularity", "symmetric"],
}
# search/src/space/param-domains.ts: values used when a space leaves a parameter out.
DEFAULTS = {
    "prune": {"structure": "unstructured"},
    "distill": {"temperature": 4, "alpha": 0.5, "epochs": 1, "layers": "all"},
    "quant": {"activationBits": 8, "granularity": "per-channel", "symmetric": True},
}
INTEGER_PARAMS = {("distill", "layers"), ("quant", "weightBits")}
# Constraint name -> (metric, side), as in search/src/objectives/objectives.ts.
CONSTRAINTS = {
    "maxLatencyMs": ("latencyMs", "max"),
    "maxRamBytes": ("peakRamBytes", "max"),
    "maxFlashBytes": ("deployBytes", "max"),
    "minAccuracy": ("accuracy", "min"),
}


def canonical(value):
    """Numbers as Frontier's canonical recipes hold them: 4 significant digits, integral floats as ints."""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        rounded = float(f"{value:.4g}")
        return int(rounded) if rounded.is_integer() else rounded
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    return value


def recipe_key(recipe):
    recipe = {t: dict(fields) for t, fields in recipe.items()}
    prune = recipe.get("prune")
    if prune is not None:
        # Frontier drops defaults and fields meaningless for the structure.
        if prune.get("structure") != "unstructured" or prune.get("scope") == "global":
            prune.pop("scope", None)
        if prune.get("structure") != "channel" or prune.get("criterion") == "l1":
            prune.pop("criterion", None)
    return json.dumps(canonical(recipe), sort_keys=True)


def suggest(trial, space):
    recipe = {}
    for technique in TECHNIQUES:
        spec = space.get(technique)
        if spec is None:
            continue
        if spec.get("optional", True) and not trial.suggest_categorical(technique, [False, True]):
            continue
        fields = {}
        for param in PARAMS[technique]:
            p = spec.get(param, DEFAULTS.get(technique, {}).get(param))
            if p is None:
                continue
            name = f"{technique}.{param}"
            if isinstance(p, dict) and "values" in p:
                values = p["values"]
                value = values[0] if len(values) == 1 else trial.suggest_categorical(name, values)
            elif isinstance(p, dict):
                low, high, step, log = p["low"], p["high"], p.get("step"), p.get("log", False)
                if low == high:
                    value = low
                elif (technique, param) in INTEGER_PARAMS:
                    value = trial.suggest_int(name, low, high, step=step or 1, log=log)
                else:
                    value = trial.suggest_float(name, low, high, step=step, log=log)
            else:
                value = p
            fields[param] = value
        recipe[technique] = fields
    return recipe


def make_sampler(name, seed, constraints_func):
    if name == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=seed, constraints_func=constraints_func)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed, constraints_func=constraints_func)
    if name == "tpe-multivariate":
        return optuna.samplers.TPESampler(seed=seed, constraints_func=constraints_func, multivariate=True, group=True)
    raise ValueError(f"unknown sampler {name!r}")


def normalise(value, scale):
    """One objective in the benchmark's units: 0 best, 1 the reference."""
    lo, hi = scale["lo"], scale["hi"]
    if scale["scale"] == "accuracy":
        return (hi - value) / (hi - lo)
    return (math.log(value) - math.log(lo)) / (math.log(hi) - math.log(lo)) if hi > lo else 0.0


class FoundFraction:
    """The share of the true front's hypervolume that the feasible rows found so far hold."""

    def __init__(self, objectives, stop):
        self.objectives = objectives
        self.scales = stop["scales"]
        self.reference = np.full(len(objectives), stop["reference"], dtype=float)
        self.total = stop["hypervolume"]
        self.front = np.empty((0, len(objectives)))
        self.fraction = 0.0

    def add(self, metrics):
        p = np.array([normalise(metrics[s["metric"]], s) for s in self.scales], dtype=float)
        if np.any(np.all(self.front <= p, axis=1)):
            return self.fraction
        self.front = np.vstack([self.front[~np.all(p <= self.front, axis=1)], p])
        inside = self.front[np.all(self.front < self.reference, axis=1)]
        self.fraction = WFG().compute(inside, self.reference) / self.total if len(inside) else 0.0
        return self.fraction


def run_study(job, table, index, sampler_name, seed, max_trials, deadline):
    objectives = job["objectives"]
    limits = [(CONSTRAINTS[name], limit) for name, limit in job["constraints"].items()]
    found = FoundFraction(objectives, job["stop"])
    visited = []

    def objective(trial):
        row = index.get(recipe_key(suggest(trial, table["space"])))
        visited.append(-1 if row is None else row)
        if row is None:
            return tuple(math.nan for _ in objectives)  # Optuna records a failed trial
        metrics = table["rows"][row]["metrics"]
        # Relative violations, as Frontier's: <= 0 is feasible.
        violations = [
            (metrics[metric] - limit) / limit if side == "max" else (limit - metrics[metric]) / limit
            for (metric, side), limit in limits
        ]
        trial.set_user_attr("constraints", violations)
        if all(v <= 0 for v in violations):
            found.add(metrics)
        return tuple(metrics[o] for o in objectives)

    def constraints_func(trial):
        return trial.user_attrs.get("constraints", [1.0] * len(limits))

    def stop_when_found(study, _trial):
        if found.fraction >= job["stop"]["fraction"] + 1e-9 or time.process_time() > deadline:
            study.stop()

    directions = ["maximize" if o == "accuracy" else "minimize" for o in objectives]
    study = optuna.create_study(directions=directions, sampler=make_sampler(sampler_name, seed, constraints_func))
    study.optimize(objective, n_trials=max_trials, callbacks=[stop_when_found])
    truncated = bool(found.fraction < job["stop"]["fraction"] + 1e-9 and len(visited) < max_trials)
    return visited, truncated


def main():
    job = json.load(sys.stdin)
    with open(job["table"], encoding="utf-8") as f:
        table = json.load(f)
    index = {recipe_key(row["recipe"]): i for i, row in enumerate(table["rows"])}
    if len(index) != len(table["rows"]):
        raise SystemExit("table rows collide under Python's canonical keys")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore")  # ExperimentalWarning for multivariate/group/constraints
    runs = {}
    for spec in job["samplers"]:
        name = spec["name"]
        started = time.perf_counter()
        runs[name] = []
        deadline = time.process_time() + spec.get("budgetSeconds", math.inf)
        for seed in spec["seeds"]:
            if time.process_time() > deadline:
                break
            seed_started = time.perf_counter()
            rows, truncated = run_study(job, table, index, name, seed, spec["maxTrials"], deadline)
            runs[name].append({"seed": seed, "rows": rows, "truncated": truncated})
            print(f"optuna {name} seed {seed}: {len(rows)} trials, {time.perf_counter() - seed_started:.1f} s", file=sys.stderr)
        print(f"optuna {name}: {len(runs[name])} seeds in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    json.dump({"version": optuna.__version__, "runs": runs, "cpuSeconds": time.process_time()}, sys.stdout)


if __name__ == "__main__":
    main()
