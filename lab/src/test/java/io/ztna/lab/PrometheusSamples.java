package io.ztna.lab;

import java.util.Map;
import java.util.TreeMap;

/**
 * The samples of one scrape in the Prometheus text format, version 0.0.4, by series: the
 * metric name and its labels sorted by name, as in {@code name{a="1",b="2"}}. Comment lines
 * are skipped, and timestamps are not expected.
 */
final class PrometheusSamples {

    private final Map<String, Double> samples;
    private final String text;

    private PrometheusSamples(Map<String, Double> samples, String text) {
        this.samples = samples;
        this.text = text;
    }

    static PrometheusSamples parse(String text) {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int labelsStart = line.indexOf('{');
            int valueStart;
            String series;
            if (labelsStart < 0) {
                valueStart = line.indexOf(' ');
                series = line.substring(0, valueStart);
            } else {
                int labelsEnd = labelsEnd(line, labelsStart);
                series = key(line.substring(0, labelsStart),
                        parseLabels(line.substring(labelsStart + 1, labelsEnd)));
                valueStart = labelsEnd + 1;
            }
            String value = line.substring(valueStart).trim();
            samples.put(series, Double.parseDouble(value));
        }
        return new PrometheusSamples(samples, text);
    }

    /**
     * Returns the value of the series, or NaN when the scrape has no such series.
     *
     * @param labels label names and values in pairs, in any order
     */
    double value(String name, String... labels) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        Double value = samples.get(key(name, map));
        return value == null ? Double.NaN : value;
    }

    /** Returns the sum of every series of {@code name}, whatever its labels. */
    double sum(String name) {
        double total = 0;
        for (Map.Entry<String, Double> entry : samples.entrySet()) {
            String series = entry.getKey();
            if (series.equals(name) || series.startsWith(name + "{")) {
                total += entry.getValue();
            }
        }
        return total;
    }

    /** Returns the series of {@code name} with a value other than 0, for failure messages. */
    Map<String, Double> nonZero(String name) {
        Map<String, Double> found = new TreeMap<>();
        samples.forEach((series, value) -> {
            if ((series.equals(name) || series.startsWith(name + "{")) && value != 0) {
                found.put(series, value);
            }
        });
        return found;
    }

    @Override
    public String toString() {
        return text;
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder key = new StringBuilder(name).append('{');
        labels.forEach((label, value) -> key.append(label).append("=\"").append(value)
                .append("\","));
        key.setLength(key.length() - 1);
        return key.append('}').toString();
    }

    private static int labelsEnd(String line, int labelsStart) {
        boolean quoted = false;
        for (int i = labelsStart + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '}') {
                return i;
            }
        }
        throw new IllegalArgumentException("unterminated labels in: " + line);
    }

    private static Map<String, String> parseLabels(String text) {
        Map<String, String> labels = new TreeMap<>();
        int i = 0;
        while (i < text.length()) {
            int equals = text.indexOf('=', i);
            String name = text.substring(i, equals).trim();
            StringBuilder value = new StringBuilder();
            int j = equals + 2;
            while (text.charAt(j) != '"') {
                char c = text.charAt(j);
                if (c == '\\') {
                    j++;
                    char escaped = text.charAt(j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
                j++;
            }
            labels.put(name, value.toString());
            i = j + 1;
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
        return labels;
    }
}
