# Copyright 2026 The Notes Authors.
# SPDX-License-Identifier: Apache-2.0

"""Service layer: units of work (database writes and their commits)."""
