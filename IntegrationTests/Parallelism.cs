// Fixtures run side by side, each on a lab of its own (LabIndexes hands out --lab-index: a loopback range, container
// names and ports of its own), two at a time: the lab starts alone fill this machine's two cores.
// [NonParallelizable] (NUnit runs them when nothing else runs): the Swarm stack, which publishes on every address of
// the machine, and the fixtures whose proofs hold only on a quiet machine (a timer of a second or two, a 200 ms check).
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
