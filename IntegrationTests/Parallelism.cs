// Fixtures run side by side, each on a lab of its own (LabIndexes hands out --lab-index). Most of a fixture's time is
// spent waiting for Sentinel's timers, not on the CPU; two labs at once fit this machine's two cores.
// Fixtures that start the AppHost as a user does (index 0) or use the machine's fixed ports (a Swarm stack, three
// engines) are [NonParallelizable]: NUnit runs them when nothing else runs.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
