package io.ztna.proto.policy;

import io.ztna.proto.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A policy file together with the directory file it names: the users of both, checked for
 * duplicates across the files, and warnings for rules that name users or groups nobody in the
 * directory has. Immutable.
 *
 * @param policyFile the policy file's path as given
 * @param directoryFile the directory file's path, or null when the policy names none
 * @param policy the policy file's content
 * @param users the inline users followed by the directory's
 * @param warnings one sentence per rule subject that matches nobody, naming file and rule
 */
public record LoadedPolicy(Path policyFile, Path directoryFile, PolicyFile policy,
        List<User> users, List<String> warnings) {

    /**
     * Reads and validates a policy file and the directory file it names.
     *
     * @throws ConfigException naming the file, line, field and what is expected
     */
    public static LoadedPolicy load(Path policyFile) throws ConfigException {
        PolicyFile policy = PolicyFile.load(policyFile);
        Path directoryFile = null;
        List<User> users = new ArrayList<>(policy.users());
        if (policy.directory() != null) {
            Path base = policyFile.toAbsolutePath().getParent();
            directoryFile = base.resolve(policy.directory()).normalize();
            Directory directory = Directory.load(directoryFile);
            Map<String, Integer> inline = new HashMap<>();
            for (int i = 0; i < policy.users().size(); i++) {
                inline.put(policy.users().get(i).id(), i);
            }
            for (int i = 0; i < directory.users().size(); i++) {
                User user = directory.users().get(i);
                Integer other = inline.get(user.id());
                if (other != null) {
                    throw new ConfigException(directoryFile + ": users[" + i + "].id: user '"
                            + user.id() + "' is also listed in " + policyFile + " at users["
                            + other + "].id: expected each user in one file");
                }
                users.add(user);
            }
        }
        return new LoadedPolicy(policyFile, directoryFile, policy, List.copyOf(users),
                warnings(policyFile, policy, users));
    }

    private static List<String> warnings(Path file, PolicyFile policy, List<User> users) {
        Set<String> ids = new LinkedHashSet<>();
        Set<String> groups = new LinkedHashSet<>();
        for (User user : users) {
            ids.add(user.id());
            groups.addAll(user.groups());
        }
        List<String> warnings = new ArrayList<>();
        for (Rule rule : policy.rules()) {
            for (String user : rule.users()) {
                if (!ids.contains(user)) {
                    warnings.add(file + ": rule '" + rule.name() + "' names user '" + user
                            + "', whom the directory does not list");
                }
            }
            for (String group : rule.groups()) {
                if (!groups.contains(group)) {
                    warnings.add(file + ": rule '" + rule.name() + "' names group '" + group
                            + "', which no user in the directory has (groups: "
                            + PolicyFile.sorted(groups) + ")");
                }
            }
        }
        return List.copyOf(warnings);
    }

    /** Returns the files this policy was read from, to watch for changes. */
    public List<Path> files() {
        return directoryFile == null ? List.of(policyFile) : List.of(policyFile, directoryFile);
    }

    /** Builds the engine. */
    public PolicyEngine toEngine(long version) {
        return policy.toEngine(users, version);
    }
}
