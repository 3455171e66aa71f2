"""Slim service models for the CLI's own Session: ec2 with DescribeRegions only.

The audit's one ec2 call is DescribeRegions (the region-coverage control). botocore's ec2 model describes
about 830 operations; parsing it and building a client class from it costs about 100 ms of CPU, a tenth
of a single-account audit and of every ``--processes`` child's start. ``models/ec2/<version>/service-2.json``
is botocore's own ec2 model cut down to DescribeRegions and the shapes it reaches, unchanged otherwise
(tests/checks/test_slim_models.py regenerates the cut from the installed botocore and compares).

Only a Session trailguard made itself gets it (the CLI's, and through it the organization run's shared
clients): botocore looks for models in its loader's search paths in order, so the directory goes first
on that Session's loader. A library caller's Session is never changed, as its other ec2 clients need
the whole model. When botocore ships a newer ec2 API version, botocore picks the newest version across
all paths, so the slim model is simply not used (never a stale shape); the same when the file is missing.
"""
from __future__ import annotations

import os
from typing import Any

MODELS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
SLIM = {"ec2": ("DescribeRegions",)}  # service -> the only operations trailguard calls on it


def use_slim_models(session: Any) -> None:
    """Put the slim models first on ``session``'s (a boto3 Session the caller owns) model search path."""
    if not os.path.isdir(MODELS_DIR):
        return
    loader = session._session.get_component("data_loader")  # botocore's documented component name
    if MODELS_DIR not in loader.search_paths:
        loader.search_paths.insert(0, MODELS_DIR)
