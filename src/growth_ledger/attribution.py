"""Data-driven attribution on aggregated journeys: Markov-chain removal effects and Shapley values.

Both algorithms read *paths*, not events: a path is the ordered tuple of channels a
journey touched, with how many journeys that followed it converted and how many did not.
The warehouse aggregates journeys to distinct paths before calling this module, so the
work here grows with the number of distinct paths (bounded by the journey-length cap),
not with events or customers. Every function is deterministic: no sampling, sorted keys.

Markov (first order): states ``start``, one per channel, ``conversion`` and ``null``.
Transition probabilities are the observed transition counts, each path weighted by its
journeys. ``P(conversion)`` is the absorption probability from ``start``; removing a
channel sends every transition into it to ``null``. The removal effect of ``c`` is
``1 - P_without_c / P``.

Shapley: the players of a converting path are its distinct channels; the worth of a
coalition ``S`` is the conversion rate of the journeys whose set of channels is exactly
``S`` (0 when no journey had that set). A path's conversion is split in proportion to
the (non-negative) Shapley values of its channels in that game.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations, pairwise
from math import factorial

import numpy as np

START = "(start)"
CONVERSION = "(conversion)"
NULL = "(null)"
PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class PathCount:
    """Journeys that followed one channel path: how many converted and how many did not."""

    path: tuple[str, ...]
    conversions: float
    non_conversions: float


def parse_path(path: str, separator: str = PATH_SEPARATOR) -> tuple[str, ...]:
    """Split a path string such as ``'email > direct'`` into its channels."""
    return tuple(part.strip() for part in path.split(separator) if part.strip())


def _channels(paths: Iterable[PathCount]) -> list[str]:
    return sorted({channel for path in paths for channel in path.path})


def markov_transition_matrix(
    paths: Iterable[PathCount],
) -> tuple[list[str], np.ndarray]:
    """Row-stochastic transition matrix over ``[start, *channels, conversion, null]``.

    Absorbing states (conversion, null) keep their mass. Rows of channels never left
    (impossible with well-formed paths) stay zero.
    """
    paths = list(paths)
    states = [START, *_channels(paths), CONVERSION, NULL]
    index = {state: position for position, state in enumerate(states)}
    counts = np.zeros((len(states), len(states)))
    for path_count in paths:
        weight_total = path_count.conversions + path_count.non_conversions
        if not path_count.path or weight_total <= 0:
            continue
        sequence = [START, *path_count.path]
        for origin, target in pairwise(sequence):
            counts[index[origin], index[target]] += weight_total
        last = index[path_count.path[-1]]
        counts[last, index[CONVERSION]] += path_count.conversions
        counts[last, index[NULL]] += path_count.non_conversions
    counts[index[CONVERSION], index[CONVERSION]] = 1.0
    counts[index[NULL], index[NULL]] = 1.0
    row_sums = counts.sum(axis=1, keepdims=True)
    matrix = np.divide(counts, row_sums, out=np.zeros_like(counts), where=row_sums > 0)
    return states, matrix


def markov_conversion_probability(
    states: list[str], matrix: np.ndarray, removed: str | None = None
) -> float:
    """Probability of ending in ``conversion`` from ``start``, optionally without one channel.

    Solves the absorbing-chain equations ``p = Q p + r`` over the transient states.
    A removed channel becomes a dead end: every transition into it ends in ``null``.
    """
    transient = [state for state in states if state not in (CONVERSION, NULL) and state != removed]
    index = {state: position for position, state in enumerate(states)}
    rows = [index[state] for state in transient]
    q = matrix[np.ix_(rows, rows)]
    r = matrix[rows, index[CONVERSION]]
    solution = np.linalg.solve(np.eye(len(rows)) - q, r)
    return float(solution[transient.index(START)])


def markov_removal_effects(paths: Iterable[PathCount]) -> dict[str, float]:
    """Removal effect per channel: the share of conversions lost without the channel."""
    paths = list(paths)
    states, matrix = markov_transition_matrix(paths)
    base = markov_conversion_probability(states, matrix)
    if base <= 0:
        return {channel: 0.0 for channel in _channels(paths)}
    return {
        channel: 1.0 - markov_conversion_probability(states, matrix, removed=channel) / base
        for channel in _channels(paths)
    }


def shapley_values(
    players: Iterable[str], worth: Callable[[frozenset[str]], float]
) -> dict[str, float]:
    """Exact Shapley values by the subset formula (players are distinct; order is irrelevant)."""
    players = sorted(set(players))
    count = len(players)
    values: dict[str, float] = {}
    for player in players:
        others = [other for other in players if other != player]
        total = 0.0
        for size in range(count):
            weight = factorial(size) * factorial(count - size - 1) / factorial(count)
            for coalition in combinations(others, size):
                members = frozenset(coalition)
                total += weight * (worth(members | {player}) - worth(members))
        values[player] = total
    return values


def coalition_conversion_rates(paths: Iterable[PathCount]) -> dict[frozenset[str], float]:
    """Conversion rate of journeys grouped by their exact set of channels."""
    conversions: dict[frozenset[str], float] = {}
    journeys: dict[frozenset[str], float] = {}
    for path_count in paths:
        key = frozenset(path_count.path)
        if not key:
            continue
        conversions[key] = conversions.get(key, 0.0) + path_count.conversions
        journeys[key] = journeys.get(key, 0.0) + path_count.conversions + path_count.non_conversions
    return {key: conversions[key] / journeys[key] for key in journeys if journeys[key] > 0}


def normalised_shares(weights: Mapping[str, float]) -> dict[str, float]:
    """Shares that sum to 1: negative weights count as 0; all-zero weights split evenly."""
    clipped = {key: max(value, 0.0) for key, value in sorted(weights.items())}
    total = sum(clipped.values())
    if total <= 0:
        return {key: 1.0 / len(clipped) for key in clipped}
    return {key: value / total for key, value in clipped.items()}


def shapley_path_shares(paths: Iterable[PathCount]) -> dict[frozenset[str], dict[str, float]]:
    """For every channel set of a converting path: each channel's share of a conversion."""
    paths = list(paths)
    rates = coalition_conversion_rates(paths)

    def worth(coalition: frozenset[str]) -> float:
        return rates.get(coalition, 0.0)

    shares: dict[frozenset[str], dict[str, float]] = {}
    for path_count in paths:
        key = frozenset(path_count.path)
        if path_count.conversions <= 0 or not key or key in shares:
            continue
        shares[key] = normalised_shares(shapley_values(key, worth))
    return shares


def markov_path_shares(
    paths: Iterable[PathCount], removal_effects: Mapping[str, float] | None = None
) -> dict[frozenset[str], dict[str, float]]:
    """For every channel set of a converting path: shares proportional to removal effects."""
    paths = list(paths)
    effects = removal_effects if removal_effects is not None else markov_removal_effects(paths)
    shares: dict[frozenset[str], dict[str, float]] = {}
    for path_count in paths:
        key = frozenset(path_count.path)
        if path_count.conversions <= 0 or not key or key in shares:
            continue
        shares[key] = normalised_shares({channel: effects[channel] for channel in key})
    return shares


def data_driven_path_credits(
    paths: Iterable[PathCount],
) -> list[tuple[str, str, str, float, float]]:
    """Rows ``(model, path, channel, channel_share, channel_weight)`` for converting paths.

    ``channel_weight`` is the removal effect (markov) or the path-level Shapley value
    (shapley); ``channel_share`` sums to 1 over the channels of each path and model.
    """
    paths = list(paths)
    effects = markov_removal_effects(paths)
    markov = markov_path_shares(paths, effects)
    rates = coalition_conversion_rates(paths)
    rows: list[tuple[str, str, str, float, float]] = []
    seen: set[tuple[str, ...]] = set()
    shapley_cache: dict[frozenset[str], dict[str, float]] = {}
    for path_count in sorted(paths, key=lambda item: item.path):
        if path_count.conversions <= 0 or not path_count.path or path_count.path in seen:
            continue
        seen.add(path_count.path)
        key = frozenset(path_count.path)
        path_text = PATH_SEPARATOR.join(path_count.path)
        if key not in shapley_cache:
            shapley_cache[key] = shapley_values(key, lambda coalition: rates.get(coalition, 0.0))
        raw_shapley = shapley_cache[key]
        shapley = normalised_shares(raw_shapley)
        for channel in sorted(key):
            rows.append(("markov", path_text, channel, markov[key][channel], effects[channel]))
            rows.append(("shapley", path_text, channel, shapley[channel], raw_shapley[channel]))
    return rows
