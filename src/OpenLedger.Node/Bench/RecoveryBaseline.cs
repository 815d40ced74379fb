using System.Diagnostics;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Types;

namespace OpenLedger.Node.Bench;

/// <summary>
/// The hardware yardstick measured in the same run as the load: how many secp256k1 public-key recoveries one
/// core does per second with the active backend (libsecp256k1 when present). Every transaction needs one.
/// </summary>
public static class RecoveryBaseline
{
    public static double MeasureOneCore(TimeSpan duration)
    {
        var key = PrivateKey.Generate();
        var digests = Enumerable.Range(0, 64).Select(i => Keccak256.Hash(BitConverter.GetBytes(i))).ToArray();
        var signatures = digests.Select(key.Sign).ToArray();
        // Warm up the JIT and the native library.
        for (var i = 0; i < 200; i++) Secp256k1.TryRecoverAddress(digests[i % 64], signatures[i % 64], out _);
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 64; i++)
            {
                if (!Secp256k1.TryRecoverAddress(digests[i], signatures[i], out var address) || address != key.Address)
                    throw new InvalidOperationException("secp256k1 recovery gave a wrong address during the baseline");
            }
            count += 64;
        }
        return count / watch.Elapsed.TotalSeconds;
    }
}
