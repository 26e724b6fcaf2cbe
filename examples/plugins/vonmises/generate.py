#!/usr/bin/env python3
"""wind.csv: 500 wind directions (radians, in (-pi, pi]) from two prevailing winds, a von Mises
mixture with weights 0.6 and 0.4, mean directions 0.5 and -2.5, concentrations 8 and 3.

    /usr/bin/python3 examples/plugins/vonmises/generate.py
"""
import os

import numpy as np

rng = np.random.default_rng(7)
z = rng.choice(2, size=500, p=[0.6, 0.4])
theta = np.array([rng.vonmises([0.5, -2.5][k], [8.0, 3.0][k]) for k in z])
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "wind.csv"), "w") as f:
    f.write("direction\n")
    for t in theta:
        f.write("%.6f\n" % t)
