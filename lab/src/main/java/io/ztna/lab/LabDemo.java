package io.ztna.lab;

import io.netty.channel.EventLoopGroup;
import io.ztna.lab.demo.DemoEchoServer;
import io.ztna.lab.demo.DemoHttpServer;
import io.ztna.proto.config.HostAndPort;
import io.ztna.proto.config.InvalidValueException;
import io.ztna.proto.transport.Transports;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/lab demo}: runs only the demo apps, the web page and the TCP echo, until the
 * process is stopped. The container lab runs them this way behind its publishers.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the demo web app and TCP echo app until interrupted (Ctrl-C or "
                + "SIGTERM).")
final class LabDemo implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:18080",
            description = "Address of the demo web app (default: ${DEFAULT-VALUE}).")
    String httpAddress;

    @Option(names = "--echo", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:18007",
            description = "Address of the demo TCP echo app (default: ${DEFAULT-VALUE}).")
    String echoAddress;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress http = parse("--http", httpAddress);
        InetSocketAddress echo = parse("--echo", echoAddress);

        EventLoopGroup group = Transports.newGroup(1);
        DemoHttpServer httpServer = new DemoHttpServer(http);
        DemoEchoServer echoServer = new DemoEchoServer(echo);
        InetSocketAddress binding = http;
        try {
            httpServer.start(group);
            binding = echo;
            echoServer.start(group);
        } catch (Exception e) {
            // start() rethrows a bind failure such as "Address already in use" as Netty reports
            // it: a checked IOException that start() does not declare.
            System.err.println("lab demo: failed to listen on " + binding + ": " + e.getMessage());
            httpServer.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            return 1;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("lab demo: stopping");
            httpServer.close();
            echoServer.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            stopped.countDown();
        }, "demo-shutdown"));
        System.out.println("demo apps ready: web " + httpServer.localAddress() + ", echo "
                + echoServer.localAddress());
        System.out.flush();
        stopped.await();
        return 0;
    }

    private InetSocketAddress parse(String option, String text) {
        try {
            return HostAndPort.parse(text).toSocketAddress();
        } catch (InvalidValueException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "option '" + option + "': " + e.getMessage());
        }
    }
}
