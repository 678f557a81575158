package io.ztna.agent.dns;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the real {@code dig} against a server on 127.0.0.1 and parses its output. Tests call
 * {@link #requireDig()} first: without dig they are skipped, unless the environment variable
 * {@code CI} is set, where a missing dig fails them.
 */
final class Dig {

    /** dig gives up after one try of 2 s, and the process gets this long before a kill. */
    private static final long PROCESS_TIMEOUT_SECONDS = 15;
    private static final Pattern STATUS = Pattern.compile("status: ([A-Z]+)");
    private static final Pattern FLAGS = Pattern.compile(";; flags: ([a-z ]*);");

    private Dig() {
    }

    /** One line of the answer section. */
    record Answer(String name, long ttl, String type, String data) {
    }

    /**
     * The parsed output.
     *
     * @param status the rcode name such as NOERROR, or null when dig got no answer
     * @param flags the header flags such as "qr rd ra", or null when dig got no answer
     */
    record Result(String status, String flags, List<Answer> answers, String output) {

        List<String> data() {
            return answers.stream().map(Answer::data).toList();
        }
    }

    static void requireDig() {
        if (findDig() != null) {
            return;
        }
        if (System.getenv("CI") != null) {
            fail("dig is not on the PATH but CI is set: install the dnsutils package");
        }
        Assumptions.abort("dig is not on the PATH: install the dnsutils package to run this test");
    }

    private static Path findDig() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "dig");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Runs {@code dig @127.0.0.1 -p PORT +tries=1 +time=2 [OPTIONS] NAME TYPE}.
     *
     * @param options extra dig options, such as {@code +tcp}
     */
    static Result query(int port, String name, String type, String... options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p",
                Integer.toString(port), "+tries=1", "+time=2"));
        command.addAll(List.of(options));
        command.add(name);
        command.add(type);
        return run(command);
    }

    /**
     * Runs {@code dig @127.0.0.1 -p PORT +tries=1 +time=2 -c CLASS -t TYPE NAME}. The type
     * goes with {@code -t}, because after {@code -c} dig 9.18 reads a type written after the
     * name as a second name to query.
     */
    static Result query(int port, String name, String type, DnsClass dnsClass)
            throws IOException, InterruptedException {
        return run(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+tries=1",
                "+time=2", "-c", dnsClass.name(), "-t", type, name));
    }

    /** A query class other than IN, by its dig name. */
    enum DnsClass { CH, HS }

    /** Runs {@code dig @127.0.0.1 -p PORT +tries=1 +time=2 -x ADDRESS}. */
    static Result reverse(int port, String address) throws IOException, InterruptedException {
        return run(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+tries=1",
                "+time=2", "-x", address));
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(PROCESS_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not exit within "
                    + PROCESS_TIMEOUT_SECONDS + "s");
        }
        String output = new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8);
        return parse(output);
    }

    static Result parse(String output) {
        Matcher status = STATUS.matcher(output);
        Matcher flags = FLAGS.matcher(output);
        List<Answer> answers = new ArrayList<>();
        boolean inAnswers = false;
        for (String line : output.split("\n")) {
            if (line.startsWith(";; ANSWER SECTION:")) {
                inAnswers = true;
            } else if (inAnswers && line.isBlank()) {
                inAnswers = false;
            } else if (inAnswers) {
                String[] fields = line.split("\\s+", 5);
                answers.add(new Answer(fields[0], Long.parseLong(fields[1]), fields[3],
                        fields[4]));
            }
        }
        return new Result(status.find() ? status.group(1) : null,
                flags.find() ? flags.group(1).strip() : null, answers, output);
    }
}
