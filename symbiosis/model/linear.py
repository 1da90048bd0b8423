"""The allocation model in matrix form, the shape every solver back-end reads."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from scipy import sparse

Sense = Literal["max", "min"]


@dataclass(frozen=True)
class LinearModel:
    """max or min c.x subject to row_lo <= A x <= row_hi, col_lo <= x <= col_hi."""

    c: np.ndarray
    a: sparse.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    integer: np.ndarray
    sense: Sense = "max"
    row_names: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        return int(self.c.size)

    def with_objective(self, c: np.ndarray, sense: Sense) -> LinearModel:
        return replace(self, c=c, sense=sense)

    def with_row(self, coefficients: np.ndarray, lo: float, hi: float, name: str) -> LinearModel:
        row = sparse.csr_matrix(coefficients.reshape(1, -1))
        return replace(
            self,
            a=sparse.vstack([self.a, row], format="csr"),
            row_lo=np.append(self.row_lo, lo),
            row_hi=np.append(self.row_hi, hi),
            row_names=(*self.row_names, name),
        )

    def without_last_row(self) -> LinearModel:
        return replace(
            self, a=self.a[:-1], row_lo=self.row_lo[:-1], row_hi=self.row_hi[:-1], row_names=self.row_names[:-1]
        )
