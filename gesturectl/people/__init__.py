"""Many people, one user: identity tracking, limb ownership and the user lock (Scene -> Pose | None)."""
