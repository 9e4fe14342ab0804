namespace RedisHaLab.Probes;

/// <summary>A fault, check or reset that could not be carried out; the message says what the lab looked like at the time.</summary>
public class ChaosException(string message, Exception? inner = null) : Exception(message, inner);
