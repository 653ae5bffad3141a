package io.turnout.bench.load;

import java.util.Locale;

/**
 * One wrk run against one target: what wrk counted plus what {@code /proc} says the target spent.
 *
 * @param socketErrors wrk's connect + read + write + timeout errors
 * @param non2xx responses outside 2xx when counted per response (shift), else wrk's status errors
 *     (status >= 400)
 * @param cpuPer10k the target's CPU seconds (user + system) per 10,000 requests
 * @param peakRssMiB the target's peak resident memory during the run
 * @param endRssMiB its resident memory right after the run: what stays, without the transients (the
 *     JIT compiler's working memory, a heap growing before a full collection) in the peak
 */
public record RunResult(
    String scenario,
    String target,
    int round,
    double rps,
    double p50Ms,
    double p99Ms,
    double p999Ms,
    long requests,
    long socketErrors,
    long non2xx,
    double cpuSeconds,
    double cpuPer10k,
    double peakRssMiB,
    long blue,
    long green,
    double endRssMiB) {

  static final String CSV_HEADER =
      "scenario,target,round,rps,p50_ms,p99_ms,p999_ms,requests,socket_errors,non2xx,cpu_s,"
          + "cpu_s_per_10k,peak_rss_mib,blue,green,end_rss_mib";

  String csv() {
    return String.format(
        Locale.ROOT,
        "%s,%s,%d,%.1f,%.3f,%.3f,%.3f,%d,%d,%d,%.2f,%.4f,%.1f,%d,%d,%.1f",
        scenario,
        target,
        round,
        rps,
        p50Ms,
        p99Ms,
        p999Ms,
        requests,
        socketErrors,
        non2xx,
        cpuSeconds,
        cpuPer10k,
        peakRssMiB,
        blue,
        green,
        endRssMiB);
  }

  /**
   * A line of {@code load-runs.csv}; one written before {@code end_rss_mib} existed has NaN there.
   */
  public static RunResult parse(String line) {
    String[] f = line.split(",");
    return new RunResult(
        f[0],
        f[1],
        Integer.parseInt(f[2]),
        Double.parseDouble(f[3]),
        Double.parseDouble(f[4]),
        Double.parseDouble(f[5]),
        Double.parseDouble(f[6]),
        Long.parseLong(f[7]),
        Long.parseLong(f[8]),
        Long.parseLong(f[9]),
        Double.parseDouble(f[10]),
        Double.parseDouble(f[11]),
        Double.parseDouble(f[12]),
        Long.parseLong(f[13]),
        Long.parseLong(f[14]),
        f.length > 15 ? Double.parseDouble(f[15]) : Double.NaN);
  }
}
