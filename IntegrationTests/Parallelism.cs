// Fixtures run side by side, each on a lab of its own (LabIndexes hands out --lab-index: a loopback range, container
// names and ports of its own), two at a time: the lab starts alone fill this machine's two cores. A lab passes from one
// fixture to the next of its inventory, reset in between (LabPool), instead of a stop and a start.
// [NonParallelizable] (NUnit runs them when nothing else runs): the Swarm stack, which publishes on every address of
// the machine, and the fixtures whose proofs hold only on a quiet machine (a timer of a second or two, a 200 ms check);
// no idle lab of the pool stays beside them.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
[assembly: RedisHaLab.IntegrationTests.StopIdleLabsAfterTheRun]
