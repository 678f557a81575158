package io.ztna.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.ztna.lab.demo.DemoHttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's HTTP CONNECT proxy used by real curl, with all four tiers in this JVM. curl's
 * {@code --proxytunnel} sends CONNECT even for plain-HTTP URLs, so the demo page travels
 * through the tunnel. {@code %{http_connect}} prints the proxy's status, and curl exits with
 * 56 when the proxy responds to CONNECT with an error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpProxyTest {

    /** curl's exit code when the proxy responds to CONNECT with another status than 2xx. */
    private static final int CURL_CONNECT_REFUSED_BY_PROXY = 56;

    @TempDir
    static Path dir;

    static InProcessLab lab;

    @BeforeAll
    static void startLab() throws Exception {
        lab = new InProcessLab(dir, List.of()).start();
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private static Commands.Result curl(String... arguments) throws Exception {
        RequiredTools.require(false, "curl");
        String[] command = new String[arguments.length + 5];
        command[0] = "curl";
        command[1] = "--max-time";
        command[2] = "10";
        command[3] = "--proxy";
        command[4] = "http://127.0.0.1:" + lab.httpProxyPort;
        System.arraycopy(arguments, 0, command, 5, arguments.length);
        return Commands.run(30, command);
    }

    @Test
    void demoPageThroughProxyTunnel() throws Exception {
        Commands.Result result = curl("-sS", "--proxytunnel",
                "http://intranet.corp.internal:" + lab.ports.demoHttp() + "/");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains(DemoHttpServer.MARKER);
        assertThat(result.output()).contains("Host: intranet.corp.internal");
    }

    @Test
    void blockedAppGetsForbidden() throws Exception {
        Commands.Result result = curl("-s", "--proxytunnel", "-o", "/dev/null",
                "-w", "%{http_connect}\n", "http://ssh.corp.internal:22/");

        assertThat(result.exitCode()).isEqualTo(CURL_CONNECT_REFUSED_BY_PROXY);
        assertThat(result.output()).isEqualTo("403\n");
    }

    @Test
    void closedAppPortGetsBadGateway() throws Exception {
        int closedPort;
        try (ServerSocket probe = CrossTierTest.bindInLabRange()) {
            closedPort = probe.getLocalPort();
        }
        Commands.Result result = curl("-s", "--proxytunnel", "-o", "/dev/null",
                "-w", "%{http_connect}\n", "http://host.lab.internal:" + closedPort + "/");

        assertThat(result.exitCode()).isEqualTo(CURL_CONNECT_REFUSED_BY_PROXY);
        assertThat(result.output()).isEqualTo("502\n");
    }

    @Test
    void badRequestGetsBadRequest() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", lab.httpProxyPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("CONNECT intranet.corp.internal HTTP/1.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n");
            assertThat(response).endsWith("400 Bad Request: invalid CONNECT target "
                    + "'intranet.corp.internal' (expected: host:port, [IPv6]:port or "
                    + "http(s)://host[:port])\n");
        }
    }
}
