package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ztna.lab.demo.DemoHttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/lab up} as a user would: every daemon its own process, then fetches the demo
 * page with curl through the agent's SOCKS5 port and checks {@code bin/lab status}. The HA lab
 * also loses the publisher that serves the flows, killed by its PID.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LabProcessIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern FLOW_PUBLISHER = Pattern.compile("\"publisher\":\"([^\"]+)\"");

    @TempDir
    Path dir;

    @Test
    void labServesDemoPageToCurl() throws Exception {
        int socks = FreePorts.next();
        int http = FreePorts.next();
        int forward = FreePorts.next();
        int dns = FreePorts.next();
        List<String> command = List.of(ROOT.resolve("bin/lab").toString(), "up",
                "--state-dir", dir.toString(),
                "--socks-port", Integer.toString(socks),
                "--dns-port", Integer.toString(dns),
                "--http-proxy-port", Integer.toString(FreePorts.next()),
                "--client-gateway-port", Integer.toString(FreePorts.next()),
                "--publisher-gateway-port", Integer.toString(FreePorts.next()),
                "--admin-port", Integer.toString(FreePorts.consecutive(4)),
                "--demo-http-port", Integer.toString(http),
                "--demo-echo-port", Integer.toString(FreePorts.next()),
                "--forward", forward + "=intranet.corp.internal:" + http);
        Process lab = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String readyLine = awaitReady(lab);
            assertThat(readyLine).contains("ready");

            String page = run("curl", "-sS", "--max-time", "10", "--socks5-hostname",
                    "127.0.0.1:" + socks, "http://intranet.corp.internal:" + http + "/");
            assertThat(page).contains(DemoHttpServer.MARKER);
            assertThat(page).contains("Host: intranet.corp.internal");

            String forwarded = run("curl", "-sS", "--max-time", "10",
                    "-H", "Host: intranet.corp.internal", "http://127.0.0.1:" + forward + "/");
            assertThat(forwarded).contains(DemoHttpServer.MARKER);

            if (System.getenv("CI") != null || Files.isExecutable(Path.of("/usr/bin/dig"))) {
                String stub = run("dig", "@127.0.0.1", "-p", Integer.toString(dns), "+short",
                        "+tries=1", "+time=5", "intranet.corp.internal");
                assertThat(stub.strip()).as("stub address from the lab's DNS server")
                        .matches("100\\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\\.\\d+\\.\\d+");
            }

            String blocked = run("curl", "-sS", "--max-time", "10", "-o", "/dev/null",
                    "-w", "%{exitcode}", "--socks5-hostname", "127.0.0.1:" + socks,
                    "http://ssh.corp.internal:22/");
            assertThat(blocked).endsWith("97");

            JsonNode status = new ObjectMapper().readTree(run(ROOT.resolve("bin/lab").toString(),
                    "status", "--state-dir", dir.toString()));
            assertThat(status.path("daemons")).hasSize(4);
            for (JsonNode daemon : status.path("daemons")) {
                assertThat(daemon.path("running").asBoolean())
                        .as(daemon.path("name").asText()).isTrue();
                assertThat(daemon.path("pid").asLong()).isPositive();
            }
            assertThat(status.path("daemons").get(3).path("state").path("tunnel").asText())
                    .isEqualTo("up");
        } finally {
            lab.destroy();
            assertThat(lab.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        JsonNode file = new ObjectMapper().readTree(dir.resolve(LabUp.STATUS_FILE).toFile());
        for (JsonNode daemon : file.path("daemons")) {
            assertThat(ProcessHandle.of(daemon.path("pid").asLong())
                    .map(ProcessHandle::isAlive).orElse(false))
                    .as(daemon.path("name").asText() + " stopped").isFalse();
        }
    }

    @Test
    void fallbackStackServesDemoPage() throws Exception {
        int socks = FreePorts.next();
        int http = FreePorts.next();
        List<String> command = List.of(ROOT.resolve("bin/lab").toString(), "up",
                "--state-dir", dir.toString(),
                "--socks-port", Integer.toString(socks),
                "--http-proxy-port", Integer.toString(FreePorts.next()),
                "--client-gateway-port", Integer.toString(FreePorts.next()),
                "--publisher-gateway-port", Integer.toString(FreePorts.next()),
                "--admin-port", Integer.toString(FreePorts.consecutive(4)),
                "--demo-http-port", Integer.toString(http),
                "--demo-echo-port", Integer.toString(FreePorts.next()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ZTNA_JAVA_OPTS",
                "-Dztna.transport=nio -Dztna.tls.provider=jdk");
        Process lab = builder.start();
        try {
            assertThat(awaitReady(lab)).contains("ready");

            String page = run("curl", "-sS", "--max-time", "10", "--socks5-hostname",
                    "127.0.0.1:" + socks, "http://intranet.corp.internal:" + http + "/");
            assertThat(page).contains(DemoHttpServer.MARKER);
            for (String daemon : List.of("client-agent", "client-gateway", "publisher-gateway",
                    "publisher")) {
                String log = Files.readString(dir.resolve(daemon + ".log"));
                assertThat(log).as(daemon).contains("transport selected: transport=nio");
                assertThat(log).as(daemon).contains("TLS provider selected: provider=JDK");
            }
        } finally {
            lab.destroy();
            assertThat(lab.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void haLabSurvivesPublisherKill() throws Exception {
        int socks = FreePorts.next();
        int http = FreePorts.next();
        int clientGateway = FreePorts.consecutive(2);
        int publisherGateway = FreePorts.consecutive(2);
        int admin = FreePorts.consecutive(7);
        List<String> command = List.of(ROOT.resolve("bin/lab").toString(), "up", "--ha",
                "--state-dir", dir.toString(),
                "--socks-port", Integer.toString(socks),
                "--client-gateway-port", Integer.toString(clientGateway),
                "--publisher-gateway-port", Integer.toString(publisherGateway),
                "--admin-port", Integer.toString(admin),
                "--demo-http-port", Integer.toString(http),
                "--demo-echo-port", Integer.toString(FreePorts.next()));
        Process lab = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            assertThat(awaitReady(lab)).contains("ready: 7 daemons up");
            String url = "http://intranet.corp.internal:" + http + "/";
            String page = run("curl", "-sS", "--max-time", "10", "--socks5-hostname",
                    "127.0.0.1:" + socks, url);
            assertThat(page).contains(DemoHttpServer.MARKER);
            awaitEveryTunnelUp(admin);

            JsonNode status = new ObjectMapper().readTree(run(ROOT.resolve("bin/lab").toString(),
                    "status", "--state-dir", dir.toString()));
            JsonNode daemons = status.path("daemons");
            assertThat(daemons).hasSize(7);
            List<String> names = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            Set<Long> pids = new HashSet<>();
            for (JsonNode daemon : daemons) {
                String name = daemon.path("name").asText();
                names.add(name);
                ids.add(daemon.path("id").asText());
                pids.add(daemon.path("pid").asLong());
                assertThat(daemon.path("running").asBoolean()).as(name).isTrue();
                assertThat(daemon.path("pid").asLong()).as(name).isPositive();
                assertThat(daemon.path("state").isObject()).as(name).isTrue();
            }
            assertThat(names).containsExactly("publisher-gateway", "publisher-gateway-2",
                    "publisher", "publisher-2", "client-gateway", "client-gateway-2",
                    "client-agent");
            assertThat(ids).containsExactly("pg-1", "pg-2", "pub-1", "pub-2", "cg-1", "cg-2",
                    LabState.USER);
            assertThat(pids).hasSize(7);
            assertThat(daemons.get(0).path("ports").toString())
                    .isEqualTo("[" + publisherGateway + "]");
            assertThat(daemons.get(1).path("ports").toString())
                    .isEqualTo("[" + (publisherGateway + 1) + "]");
            assertThat(daemons.get(4).path("ports").toString())
                    .isEqualTo("[" + clientGateway + "]");
            assertThat(daemons.get(5).path("ports").toString())
                    .isEqualTo("[" + (clientGateway + 1) + "]");
            assertThat(daemons.get(6).path("state").path("tunnel").asText()).isEqualTo("up");
            for (int i : List.of(2, 3, 4, 5)) {
                // Publishers list their gateways, client gateways their tunnels.
                String field = names.get(i).startsWith("pub") ? "gateways" : "tunnels";
                for (JsonNode tunnel : daemons.get(i).path("state").path(field)) {
                    assertThat(tunnel.path("state").asText()).as(names.get(i)).isEqualTo("up");
                }
                assertThat(daemons.get(i).path("state").path(field)).as(names.get(i)).hasSize(2);
            }

            List<String> served = awaitFlowPublishers(1);
            int victim = ids.indexOf(served.get(0));
            String survivor = served.get(0).equals("pub-1") ? "pub-2" : "pub-1";
            long start = System.nanoTime();
            ProcessHandle.of(daemons.get(victim).path("pid").asLong()).orElseThrow()
                    .destroyForcibly();
            String afterKill = "";
            int attempts = 0;
            while (!afterKill.contains(DemoHttpServer.MARKER) && attempts < 10
                    && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
                attempts++;
                afterKill = run("curl", "-sS", "--max-time", "4", "--socks5-hostname",
                        "127.0.0.1:" + socks, url);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(afterKill).contains(DemoHttpServer.MARKER);
            assertThat(millis).isLessThan(5_000);
            List<String> afterServed = awaitFlowPublishers(1 + attempts);
            assertThat(afterServed.get(afterServed.size() - 1)).isEqualTo(survivor);

            JsonNode after = new ObjectMapper().readTree(run(ROOT.resolve("bin/lab").toString(),
                    "status", "--state-dir", dir.toString()));
            for (int i = 0; i < 7; i++) {
                assertThat(after.path("daemons").get(i).path("running").asBoolean())
                        .as(names.get(i)).isEqualTo(i != victim);
            }
        } finally {
            lab.destroy();
            assertThat(lab.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * Polls the admin {@code /status} of the HA lab's daemons, whose admin ports start at
     * {@code adminBase}, until every tunnel is up, for up to 60 s.
     */
    private static void awaitEveryTunnelUp(int adminBase) throws InterruptedException {
        InProcessLab.await(() -> {
            for (int offset = 0; offset < 7; offset++) {
                String text = DaemonProcess.fetchStatus(adminBase + offset);
                if (text == null || !tunnelsUp(text)) {
                    return false;
                }
            }
            return true;
        }, "every tunnel of the HA lab up", 60);
    }

    /** Returns whether a daemon's {@code /status} shows every tunnel it keeps up. */
    private static boolean tunnelsUp(String statusText) {
        JsonNode status;
        try {
            status = new ObjectMapper().readTree(statusText);
        } catch (IOException e) {
            return false;
        }
        switch (status.path("role").asText()) {
            case "client-agent":
                return status.path("tunnel").asText().equals("up");
            case "publisher-gateway":
                return status.path("publishers").size() == 2
                        && status.path("clientGateways").asInt() == 2;
            case "publisher":
                int up = 0;
                for (JsonNode gateway : status.path("gateways")) {
                    if (gateway.path("state").asText().equals("up")) {
                        up++;
                    }
                }
                return up == 2;
            default:
                for (JsonNode tunnel : status.path("tunnels")) {
                    if (!tunnel.path("state").asText().equals("up")) {
                        return false;
                    }
                }
                return status.path("tunnels").size() == 2;
        }
    }

    /**
     * Waits up to 20 s until the client gateways' logs hold {@code count} flow records, and
     * returns the publisher of each, in the order of the logs (cg-1's before cg-2's).
     */
    private List<String> awaitFlowPublishers(int count) throws Exception {
        List<String> publishers = new ArrayList<>();
        InProcessLab.await(() -> {
            publishers.clear();
            for (String log : List.of("client-gateway.log", "client-gateway-2.log")) {
                try {
                    for (String line : Files.readAllLines(dir.resolve(log))) {
                        Matcher matcher = FLOW_PUBLISHER.matcher(line);
                        if (line.contains("\"event\":\"flow\"") && matcher.find()) {
                            publishers.add(matcher.group(1));
                        }
                    }
                } catch (IOException e) {
                    return false;
                }
            }
            return publishers.size() == count;
        }, count + " flow records in the client gateways' logs");
        return publishers;
    }

    /** Reads the lab's output up to its ready line, or fails with the output read so far. */
    private static String awaitReady(Process lab) throws Exception {
        List<String> seen = new ArrayList<>();
        // The reader stays open after the ready line: a background thread keeps draining it,
        // so closing it here would block on the lock that thread holds.
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(lab.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (seen) {
                        seen.add(line);
                    }
                    if (line.contains("ready")) {
                        drainInBackground(reader);
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String line = ready.get(240, TimeUnit.SECONDS);
        if (line == null) {
            synchronized (seen) {
                throw new AssertionError("bin/lab up ended without a ready line: " + seen);
            }
        }
        return line;
    }

    private static void drainInBackground(BufferedReader reader) {
        Thread drain = new Thread(() -> {
            try {
                while (reader.readLine() != null) {
                    // Keeps the pipe from filling up while the lab runs.
                }
            } catch (IOException e) {
                // The lab stopped.
            }
        }, "lab-output");
        drain.setDaemon(true);
        drain.start();
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(output, StandardCharsets.UTF_8);
    }

}
