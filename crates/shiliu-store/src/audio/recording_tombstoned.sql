SELECT file FROM recordings WHERE deleted = 1
