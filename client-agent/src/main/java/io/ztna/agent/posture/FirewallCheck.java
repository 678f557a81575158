package io.ztna.agent.posture;

import io.ztna.proto.posture.CheckState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a packet filter ruleset with at least one rule is loaded, read with the tools that
 * list rulesets: {@code nft list ruleset}, {@code iptables-save} and {@code ip6tables-save}.
 *
 * <p>The result is PASS as soon as one tool shows a rule. It is FAIL when at least one tool
 * exited with status 0 and none showed a rule, and UNKNOWN when no tool could run: none is
 * installed in the searched directories, or each failed, as they do without CAP_NET_ADMIN.
 * A base chain's policy alone (such as {@code policy drop} with no rule) is not a rule.
 */
final class FirewallCheck {

    private static final Logger log = LoggerFactory.getLogger(FirewallCheck.class);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(5);

    /** One listing tool: program name, arguments, and the test of its output for a rule. */
    private record Tool(String program, List<String> arguments, Predicate<String> hasRule) {
    }

    private static final List<Tool> TOOLS = List.of(
            new Tool("nft", List.of("list", "ruleset"), FirewallCheck::nftHasRule),
            new Tool("iptables-save", List.of(), FirewallCheck::iptablesSaveHasRule),
            new Tool("ip6tables-save", List.of(), FirewallCheck::iptablesSaveHasRule));

    private final List<Path> toolDirectories;
    private final CommandRunner runner;

    FirewallCheck(List<Path> toolDirectories, CommandRunner runner) {
        this.toolDirectories = toolDirectories;
        this.runner = runner;
    }

    /**
     * Runs the tools and returns the result described above.
     *
     * <p>NOTE: only the first {@link CommandRunner#MAX_OUTPUT_BYTES} of a listing are read, so
     * a ruleset whose first rule comes after them reads as FAIL.
     */
    CheckState check() throws InterruptedException {
        boolean anyRan = false;
        for (Tool tool : TOOLS) {
            Optional<Path> program = locate(tool.program());
            if (program.isEmpty()) {
                continue;
            }
            List<String> argv = new ArrayList<>();
            argv.add(program.get().toString());
            argv.addAll(tool.arguments());
            CommandRunner.Result result;
            try {
                result = runner.run(argv, TOOL_TIMEOUT, true);
            } catch (IOException e) {
                log.debug("firewall tool did not start: program={} error={}",
                        program.get(), e.getMessage());
                continue;
            }
            if (!result.succeeded()) {
                log.debug("firewall tool failed: program={} exitCode={} timedOut={}",
                        program.get(), result.exitCode(), result.timedOut());
                continue;
            }
            anyRan = true;
            if (tool.hasRule().test(result.output())) {
                return CheckState.PASS;
            }
        }
        return anyRan ? CheckState.FAIL : CheckState.UNKNOWN;
    }

    private Optional<Path> locate(String program) {
        for (Path directory : toolDirectories) {
            Path candidate = directory.resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns whether {@code nft list ruleset} output has a rule: a statement line inside a
     * chain block ({@code chain NAME { ... }}) other than the chain's own {@code type},
     * {@code policy}, {@code comment} and {@code devices} declarations.
     */
    static boolean nftHasRule(String output) {
        boolean inChain = false;
        for (String line : output.split("\n")) {
            String statement = line.strip();
            if (statement.isEmpty() || statement.startsWith("#")) {
                continue;
            }
            if (!inChain) {
                inChain = statement.startsWith("chain ") && statement.endsWith("{");
                continue;
            }
            if (statement.equals("}")) {
                inChain = false;
            } else if (!isChainDeclaration(statement)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isChainDeclaration(String statement) {
        return statement.startsWith("type ") || statement.startsWith("policy ")
                || statement.startsWith("comment ") || statement.startsWith("devices ");
    }

    /** Returns whether {@code iptables-save} output appends at least one rule to a chain. */
    static boolean iptablesSaveHasRule(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("-A ")) {
                return true;
            }
        }
        return false;
    }
}
