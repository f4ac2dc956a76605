"""Policy simulator: Monte Carlo over a programme of transfers under an agreement (issue #5).

    run_simulation("sv-2025-pilot", draws=10_000, seed=1, out=Path("build/sim"))

A scenario (scenario.py) is resolved against the agreement catalogue, the fee
schedules and the cost model (plan.py), simulated for every draw at once
(montecarlo.py, stay.py), summarised in percentiles (results.py) and written
as CSV files and an HTML report with charts (report.py).
"""

from accord.simulation.errors import ScenarioError, SimulationOptionError
from accord.simulation.plan import SimulationPlan, resolve
from accord.simulation.results import SimulationResults
from accord.simulation.run import SimulationRun, run_simulation, simulate, write_outputs
from accord.simulation.scenario import LoadedScenario, Scenario, bundled_scenarios, load_scenario

__all__ = [
    "LoadedScenario",
    "Scenario",
    "ScenarioError",
    "SimulationOptionError",
    "SimulationPlan",
    "SimulationResults",
    "SimulationRun",
    "bundled_scenarios",
    "load_scenario",
    "resolve",
    "run_simulation",
    "simulate",
    "write_outputs",
]
