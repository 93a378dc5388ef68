"""Tabular learning that confirms (or refutes) the exact predictions (docs/background/model.md#7-learning).

* :mod:`.schedules`: learning-rate and exploration schedules;
* :mod:`.qlearning`: independent tabular Q-learning, vectorized over runs;
* :mod:`.contracted`: contract-augmented training and the two-stage contracting decision;
* :mod:`.experiment`: conditions (no contract, coalitions, full contract) against the exact predictions.
"""

from contract_theory.learning.qlearning import (
    Boltzmann,
    EpsilonGreedy,
    RepeatedGameEnv,
    TrainingResult,
    WelfareCurve,
    train,
)
from contract_theory.learning.schedules import Constant, ExponentialDecay, LinearDecay, PowerDecay, parse_schedule

__all__ = [
    "Constant", "LinearDecay", "ExponentialDecay", "PowerDecay", "parse_schedule",
    "EpsilonGreedy", "Boltzmann", "RepeatedGameEnv", "TrainingResult", "WelfareCurve", "train",
]
