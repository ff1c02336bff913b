package io.rtvoice.audio.testing;

/**
 * Least-squares fit of {@code a sin + b cos + c} at a known frequency; the rest is noise and distortion.
 * Shared by the audio tests of core and the backends (core's test jar).
 *
 * @param amplitude the fitted tone's amplitude, in the samples' unit
 * @param signalPower sum of the fitted tone's squares
 * @param residualPower sum of the squares of everything else
 */
public record ToneFit(double amplitude, double signalPower, double residualPower) {

    /** Fits the tone at {@code cyclesPerSample} (frequency / rate) to {@code y}, leaving out {@code skip} samples at each end. */
    public static ToneFit of(float[] y, double cyclesPerSample, int skip) {
        int from = skip;
        int to = y.length - skip;
        double w = 2 * Math.PI * cyclesPerSample;
        // Normal equations of the 3-parameter model.
        double[][] a = new double[3][3];
        double[] b = new double[3];
        for (int i = from; i < to; i++) {
            double[] basis = {Math.sin(w * i), Math.cos(w * i), 1};
            for (int r = 0; r < 3; r++) {
                b[r] += basis[r] * y[i];
                for (int c = 0; c < 3; c++) {
                    a[r][c] += basis[r] * basis[c];
                }
            }
        }
        double[] x = solve(a, b);
        double signal = 0;
        double residual = 0;
        for (int i = from; i < to; i++) {
            double tone = x[0] * Math.sin(w * i) + x[1] * Math.cos(w * i);
            double error = y[i] - tone - x[2];
            signal += tone * tone;
            residual += error * error;
        }
        return new ToneFit(Math.hypot(x[0], x[1]), signal, residual);
    }

    /** Amplitudes of several tones fitted together ({@code sin + cos} each, plus DC). */
    public static double[] amplitudes(float[] y, int skip, double... cyclesPerSample) {
        int n = 2 * cyclesPerSample.length + 1;
        double[][] a = new double[n][n];
        double[] b = new double[n];
        double[] basis = new double[n];
        for (int i = skip; i < y.length - skip; i++) {
            for (int t = 0; t < cyclesPerSample.length; t++) {
                basis[2 * t] = Math.sin(2 * Math.PI * cyclesPerSample[t] * i);
                basis[2 * t + 1] = Math.cos(2 * Math.PI * cyclesPerSample[t] * i);
            }
            basis[n - 1] = 1;
            for (int r = 0; r < n; r++) {
                b[r] += basis[r] * y[i];
                for (int c = 0; c < n; c++) {
                    a[r][c] += basis[r] * basis[c];
                }
            }
        }
        double[] x = solve(a, b);
        double[] amplitudes = new double[cyclesPerSample.length];
        for (int t = 0; t < amplitudes.length; t++) {
            amplitudes[t] = Math.hypot(x[2 * t], x[2 * t + 1]);
        }
        return amplitudes;
    }

    /** Signal to noise-and-distortion, in dB. */
    public double snrDb() {
        return 10 * Math.log10(signalPower / residualPower);
    }

    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] rowSwap = a[col];
            a[col] = a[pivot];
            a[pivot] = rowSwap;
            double bSwap = b[col];
            b[col] = b[pivot];
            b[pivot] = bSwap;
            for (int r = col + 1; r < n; r++) {
                double factor = a[r][col] / a[col][col];
                for (int c = col; c < n; c++) {
                    a[r][c] -= factor * a[col][c];
                }
                b[r] -= factor * b[col];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double sum = b[r];
            for (int c = r + 1; c < n; c++) {
                sum -= a[r][c] * x[c];
            }
            x[r] = sum / a[r][r];
        }
        return x;
    }
}
