package dev.ledger.domain.command;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The command types of the ledger by their JSON {@code type} name (the record's simple name). */
public final class CommandTypes {

    private static final Map<String, Class<? extends LedgerCommand>> BY_NAME;

    static {
        Map<String, Class<? extends LedgerCommand>> byName = new LinkedHashMap<>();
        Arrays.stream(LedgerCommand.class.getPermittedSubclasses())
                .map(c -> c.asSubclass(LedgerCommand.class))
                .forEach(c -> byName.put(c.getSimpleName(), c));
        BY_NAME = Collections.unmodifiableMap(byName);
    }

    private CommandTypes() {
    }

    public static Optional<Class<? extends LedgerCommand>> byName(String type) {
        return Optional.ofNullable(BY_NAME.get(type));
    }

    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
