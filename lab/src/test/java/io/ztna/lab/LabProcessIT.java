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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/lab up} as a user would: every daemon its own process, then fetches the demo
 * page with curl through the agent's SOCKS5 port and checks {@code bin/lab status}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LabProcessIT {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

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
                "--admin-port", Integer.toString(FreePorts.next()),
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
                "--admin-port", Integer.toString(FreePorts.next()),
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
