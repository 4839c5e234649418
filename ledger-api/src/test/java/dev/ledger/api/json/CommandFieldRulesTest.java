package dev.ledger.api.json;

import dev.ledger.domain.command.CommandTypes;
import dev.ledger.domain.command.LedgerCommand;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CommandFieldRulesTest {

    @Test
    void everyFieldOfEveryCommandTypeHasARuleOfItsJavaType() {
        List<String> faults = new ArrayList<>();
        for (String name : CommandTypes.names()) {
            Class<? extends LedgerCommand> type = CommandTypes.byName(name).orElseThrow();
            for (RecordComponent component : type.getRecordComponents()) {
                if (component.getName().equals("id")) {
                    continue;
                }
                FieldRule rule = CommandFieldRules.of(type, component.getName()).orElse(null);
                if (rule == null) {
                    faults.add(name + "." + component.getName() + " has no rule");
                } else if (!rule.valueType().isAssignableFrom(component.getType())) {
                    faults.add(name + "." + component.getName() + " is a " + component.getType().getSimpleName()
                            + " but its rule " + rule + " checks " + rule.valueType().getSimpleName());
                }
            }
        }
        assertThat(faults).isEmpty();
    }

    @Test
    void theTableNamesNoFieldThatACommandDoesNotHave() {
        List<String> strays = new ArrayList<>();
        for (String name : CommandTypes.names()) {
            Class<? extends LedgerCommand> type = CommandTypes.byName(name).orElseThrow();
            List<String> fields = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
            CommandFieldRules.of(type).keySet().stream()
                    .filter(field -> !fields.contains(field))
                    .forEach(field -> strays.add(name + "." + field));
        }
        assertThat(strays).isEmpty();
    }
}
