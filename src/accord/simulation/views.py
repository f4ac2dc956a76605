"""HTTP route of the policy simulator: run a bundled scenario, get its summary.

Thin: parse, call the simulator, return. Writes no files and reads no
personal data; analysts (and roles that read the docket) may run it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from accord.api.deps import Ctx, require
from accord.api.problems import PROBLEM_RESPONSES
from accord.auth import Permission
from accord.simulation import load_scenario, resolve, simulate
from accord.simulation.schemas import SimulationIn, SimulationOut

P = Permission
router = APIRouter(tags=["simulation"], responses=PROBLEM_RESPONSES)


@router.post("/simulations")
def run(
    _ctx: Annotated[Ctx, Depends(require(P.FACTS_READ_MASKED, P.FACTS_READ))], body: SimulationIn
) -> SimulationOut:
    """Monte Carlo of a programme's cost and capacity against the domestic alternative."""
    plan = resolve(load_scenario(body.scenario))
    results = simulate(plan, draws=body.draws, seed=body.seed)
    return SimulationOut.of(body.scenario, results)
