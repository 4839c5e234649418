package dev.ledger.examples;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.ledger.examples.archfixture.ExampleUsingTheFacade;
import dev.ledger.examples.archfixture.ExampleUsingTheStore;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Examples embed the ledger as an exchange service would: through the facade only. They may use
 * {@code Ledger} and its builder, {@code Outcome}, {@code StoreSettings}, the read-model status types
 * of {@code dev.ledger.api.read}, the command records and value types they send, and the query/view
 * records of the read models. They never use the store or the writer below the facade
 * ({@code dev.ledger.api.store} other than {@code StoreSettings}, {@code dev.ledger.api.write}),
 * aggregates or sagas, projection implementations, Axon's write side, or the JDBC plumbing.
 */
class ExamplesArchitectureTest {

    private static final JavaClasses EXAMPLES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ledger.examples");

    private static final DescribedPredicate<JavaClass> BELOW_THE_FACADE =
            resideInAPackage("dev.ledger.api.write..")
                    .or(resideInAPackage("dev.ledger.api.store..")
                            .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(dev.ledger.api.store.StoreSettings.class))))
                    .or(resideInAnyPackage("dev.ledger.domain.account..", "dev.ledger.domain.migration..", "dev.ledger.domain.market..", "dev.ledger.domain.support..", "dev.ledger.projections.support.."))
                    .or(resideInAPackage("dev.ledger.projections..").and(simpleNameEndingWith("Projection")))
                    .or(resideInAnyPackage("org.axonframework.modelling..", "org.axonframework.eventsourcing..",
                            "org.axonframework.commandhandling..", "com.zaxxer.hikari..", "org.flywaydb.."))
                    .as("are below the facade (the store, the writer, aggregates, sagas, projection implementations, Axon's write side, JDBC plumbing)");

    static final ArchRule EXAMPLES_USE_ONLY_THE_FACADE = noClasses()
            .that().resideInAPackage("dev.ledger.examples..")
            .should().dependOnClassesThat(BELOW_THE_FACADE)
            .because("examples show how a service embeds the ledger, through dev.ledger.api only (HOUSE_STYLE)");

    @Test
    void examplesUseOnlyTheFacade() {
        // A rule over no classes checks nothing: say so instead of passing.
        assumeFalse(EXAMPLES.isEmpty(), "the examples module has no example programs yet; the rule has nothing to check");
        EXAMPLES_USE_ONLY_THE_FACADE.check(EXAMPLES);
    }

    @Test
    void theRuleCatchesAnExampleThatReachesBelowTheFacade() {
        JavaClasses violator = new ClassFileImporter().importClasses(ExampleUsingTheStore.class);
        assertThatThrownBy(() -> EXAMPLES_USE_ONLY_THE_FACADE.check(violator))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("dev.ledger.api.store.LedgerStore");
    }

    @Test
    void theRuleLetsAnExampleUseTheFacade() {
        JavaClasses keeper = new ClassFileImporter().importClasses(ExampleUsingTheFacade.class);
        assertThat(keeper).isNotEmpty();
        EXAMPLES_USE_ONLY_THE_FACADE.check(keeper);
    }
}
