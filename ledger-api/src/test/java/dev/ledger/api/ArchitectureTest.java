package dev.ledger.api;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.ledger.api.archfixture.WriterTimingWithMicrometer;
import dev.ledger.api.metrics.MicrometerLedgerMetrics;
import dev.ledger.domain.archfixture.DomainQueryingAReadModel;
import dev.ledger.domain.archfixture.DomainUsingTheStore;
import dev.ledger.domain.event.archfixture.EventCarryingACommand;
import dev.ledger.projections.archfixture.ProjectionReadingACommand;
import dev.ledger.projections.archfixture.ProjectionReadingAnAggregate;
import dev.ledger.projections.archfixture.ProjectionUsingAnAxonRepository;
import dev.ledger.projections.archfixture.ProjectionUsingTheFacade;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameStartingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The module lines of HOUSE_STYLE.md, on the production classes of ledger-domain, ledger-projections
 * and ledger-api. (The examples' rule lives in the examples module, the only place that sees them.)
 * A rule over no classes checks nothing, so every package a rule talks about is shown to hold
 * classes, and every rule is shown to fail on a class that breaks it (fixtures in test sources,
 * which the production import leaves out).
 */
class ArchitectureTest {

    private static final JavaClasses LEDGER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ledger");

    /** Read models are built from the message contracts only: events and value types, Axon messaging, the JDK. */
    static final ArchRule PROJECTIONS_DEPEND_ONLY_ON_EVENTS_AND_VALUES = classes()
            .that().resideInAPackage("dev.ledger.projections..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "dev.ledger.projections..",
                    "dev.ledger.domain.event..",
                    "dev.ledger.domain.value..",
                    // axon-messaging: event and query handling, units of work, JDBC helpers, serialization
                    "org.axonframework.eventhandling..",
                    "org.axonframework.queryhandling..",
                    "org.axonframework.messaging..",
                    "org.axonframework.common..",
                    "org.axonframework.serialization..",
                    "com.fasterxml.jackson.annotation..",
                    "java..",
                    "javax.sql..")
            .because("read models must never depend on write-side code (HOUSE_STYLE: module lines)");

    /** The same line, said as what is forbidden, so that a failure names the forbidden side directly. */
    static final ArchRule PROJECTIONS_NEVER_TOUCH_THE_WRITE_SIDE_OR_THE_FACADE = noClasses()
            .that().resideInAPackage("dev.ledger.projections..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.ledger.domain.account..",
                    "dev.ledger.domain.command..",
                    "dev.ledger.domain.migration..", "dev.ledger.domain.market..", "dev.ledger.domain.support..",
                    "dev.ledger.api..",
                    "dev.ledger.examples..",
                    "org.axonframework.modelling..",
                    "org.axonframework.eventsourcing..");

    static final ArchRule DOMAIN_NEVER_DEPENDS_ON_PROJECTIONS_OR_API = noClasses()
            .that().resideInAPackage("dev.ledger.domain..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.ledger.projections..", "dev.ledger.api..", "dev.ledger.examples..");

    /**
     * The message contracts stay apart from the aggregates and sagas (AxonBank): projections may use
     * events and values, so those must not drag write-side code in with them.
     */
    static final ArchRule EVENTS_AND_VALUES_ARE_PLAIN_CONTRACTS = noClasses()
            .that().resideInAnyPackage("dev.ledger.domain.event..", "dev.ledger.domain.value..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "dev.ledger.domain.account..", "dev.ledger.domain.command..", "dev.ledger.domain.migration..", "dev.ledger.domain.market..", "dev.ledger.domain.support..",
                    "org.axonframework.modelling..", "org.axonframework.eventsourcing..");

    /** Commands are contracts too: they never reach into the aggregates or sagas that handle them. */
    static final ArchRule COMMANDS_DO_NOT_KNOW_THEIR_HANDLERS = noClasses()
            .that().resideInAPackage("dev.ledger.domain.command..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.ledger.domain.account..", "dev.ledger.domain.migration..", "dev.ledger.domain.market..", "dev.ledger.domain.support..");

    /** The metrics adapter: the only classes that load Micrometer, and only when a registry was given. */
    private static final DescribedPredicate<JavaClass> METRICS_ADAPTER = resideInAPackage("dev.ledger.api.metrics")
            .and(simpleNameStartingWith("Micrometer").or(simpleName("AxonMessageMeters")))
            .or(equivalentTo(Ledger.class)).or(equivalentTo(Ledger.Builder.class))
            .as("the metrics adapter (dev.ledger.api.metrics.Micrometer*, AxonMessageMeters) or the builder that takes the registry");

    /**
     * Micrometer is an optional dependency of ledger-api: only the adapter, and the builder method that takes a
     * registry, may name it, so that a ledger built without a registry never loads it (MicrometerAbsentTest).
     */
    static final ArchRule ONLY_THE_METRICS_ADAPTER_NAMES_MICROMETER = noClasses()
            .that(DescribedPredicate.not(METRICS_ADAPTER))
            .should().dependOnClassesThat().resideInAnyPackage("io.micrometer..", "org.axonframework.micrometer..")
            .because("Micrometer is optional: code every ledger runs must not load it");

    @Test
    void onlyTheMetricsAdapterNamesMicrometer() {
        ONLY_THE_METRICS_ADAPTER_NAMES_MICROMETER.check(LEDGER);
        assertThat(LEDGER.get(MicrometerLedgerMetrics.class.getName()).getDirectDependenciesFromSelf())
                .as("the adapter is there and does use Micrometer")
                .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("io.micrometer"));
    }

    @Test
    void projectionsDependOnlyOnEventsValuesAxonMessagingAndTheJdk() {
        PROJECTIONS_DEPEND_ONLY_ON_EVENTS_AND_VALUES.check(LEDGER);
    }

    @Test
    void projectionsNeverDependOnAggregatesCommandsSagasOrTheApi() {
        PROJECTIONS_NEVER_TOUCH_THE_WRITE_SIDE_OR_THE_FACADE.check(LEDGER);
    }

    @Test
    void domainNeverDependsOnProjectionsOrTheApi() {
        DOMAIN_NEVER_DEPENDS_ON_PROJECTIONS_OR_API.check(LEDGER);
    }

    @Test
    void eventsAndValuesNeverDependOnCommandsAggregatesOrSagas() {
        EVENTS_AND_VALUES_ARE_PLAIN_CONTRACTS.check(LEDGER);
    }

    @Test
    void commandsNeverDependOnTheirHandlers() {
        COMMANDS_DO_NOT_KNOW_THEIR_HANDLERS.check(LEDGER);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "dev.ledger.projections.accounts", "dev.ledger.projections.balance", "dev.ledger.projections.support",
            "dev.ledger.domain.account", "dev.ledger.domain.command", "dev.ledger.domain.event", "dev.ledger.domain.value",
            "dev.ledger.domain.market", "dev.ledger.domain.migration", "dev.ledger.domain.support",
            "dev.ledger.projections.risk", "dev.ledger.projections.performance", "dev.ledger.projections.migration",
            "dev.ledger.api", "dev.ledger.api.store", "dev.ledger.api.write", "dev.ledger.api.read",
            "dev.ledger.api.migration", "dev.ledger.api.rebuild", "dev.ledger.api.history", "dev.ledger.api.metrics"})
    void everyPackageTheRulesSpeakOfHoldsProductionClasses(String packageName) {
        assertThat(LEDGER.that(resideInAPackage(packageName))).as(packageName).isNotEmpty();
    }

    @Test
    void theProductionImportLeavesTheDeliberateViolationsOut() {
        assertThat(LEDGER.that(resideInAPackage("..archfixture.."))).isEmpty();
    }

    /** Each rule, applied to a class that breaks it, fails: the rules can catch what they are for. */
    @Nested
    class EveryRuleCanFail {

        @Test
        void projectionsRulesCatchAProjectionUsingAnAggregate() {
            assertBreaks(PROJECTIONS_DEPEND_ONLY_ON_EVENTS_AND_VALUES, ProjectionReadingAnAggregate.class, "dev.ledger.domain.account.Account");
            assertBreaks(PROJECTIONS_NEVER_TOUCH_THE_WRITE_SIDE_OR_THE_FACADE, ProjectionReadingAnAggregate.class, "dev.ledger.domain.account.Account");
        }

        @Test
        void projectionsRulesCatchAProjectionUsingACommandRecord() {
            assertBreaks(PROJECTIONS_DEPEND_ONLY_ON_EVENTS_AND_VALUES, ProjectionReadingACommand.class, "dev.ledger.domain.command.Deposit");
            assertBreaks(PROJECTIONS_NEVER_TOUCH_THE_WRITE_SIDE_OR_THE_FACADE, ProjectionReadingACommand.class, "dev.ledger.domain.command.Deposit");
        }

        @Test
        void projectionsRulesCatchAProjectionUsingTheFacade() {
            assertBreaks(PROJECTIONS_DEPEND_ONLY_ON_EVENTS_AND_VALUES, ProjectionUsingTheFacade.class, "dev.ledger.api.Ledger");
            assertBreaks(PROJECTIONS_NEVER_TOUCH_THE_WRITE_SIDE_OR_THE_FACADE, ProjectionUsingTheFacade.class, "dev.ledger.api.Ledger");
        }

        @Test
        void projectionsRulesCatchAProjectionUsingAxonModelling() {
            assertBreaks(PROJECTIONS_DEPEND_ONLY_ON_EVENTS_AND_VALUES, ProjectionUsingAnAxonRepository.class, "org.axonframework.modelling.command.Repository");
            assertBreaks(PROJECTIONS_NEVER_TOUCH_THE_WRITE_SIDE_OR_THE_FACADE, ProjectionUsingAnAxonRepository.class, "org.axonframework.modelling.command.Repository");
        }

        @Test
        void domainRuleCatchesTheDomainUsingAReadModelOrTheApi() {
            assertBreaks(DOMAIN_NEVER_DEPENDS_ON_PROJECTIONS_OR_API, DomainQueryingAReadModel.class, "dev.ledger.projections.balance.FindBalance");
            assertBreaks(DOMAIN_NEVER_DEPENDS_ON_PROJECTIONS_OR_API, DomainUsingTheStore.class, "dev.ledger.api.store.LedgerStore");
        }

        @Test
        void micrometerRuleCatchesLedgerCodeOutsideTheAdapterUsingMicrometer() {
            assertBreaks(ONLY_THE_METRICS_ADAPTER_NAMES_MICROMETER, WriterTimingWithMicrometer.class,
                    "io.micrometer.core.instrument.Metrics");
        }

        @Test
        void contractsRuleCatchesAnEventReferringToACommand() {
            assertBreaks(EVENTS_AND_VALUES_ARE_PLAIN_CONTRACTS, EventCarryingACommand.class, "dev.ledger.domain.command.Withdraw");
        }

        private void assertBreaks(ArchRule rule, Class<?> violator, String forbidden) {
            JavaClasses imported = new ClassFileImporter().importClasses(violator);
            assertThatThrownBy(() -> rule.check(imported))
                    .as("%s on %s", rule.getDescription(), violator.getSimpleName())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining(violator.getName())
                    .hasMessageContaining(forbidden);
        }
    }

    /** What must not be on the classpath at all. */
    @Nested
    class Classpath {

        @Test
        void hasNoXStream() {
            // Axon 4's default serializer; the ledger excludes it and serializes with Jackson only.
            assertThatThrownBy(() -> Class.forName("com.thoughtworks.xstream.XStream")).isInstanceOf(ClassNotFoundException.class);
            assertThat(new ClassFileImporter().importPackages("com.thoughtworks.xstream")).isEmpty();
        }

        @Test
        void hasNoAxonServerConnector() {
            // The connector module (and the Java client it uses) is absent ...
            for (String name : new String[]{"org.axonframework.axonserver.connector.AxonServerConfiguration",
                    "org.axonframework.axonserver.connector.AxonServerConnectionManager",
                    "org.axonframework.axonserver.connector.event.axon.AxonServerEventStore",
                    "io.axoniq.axonserver.connector.AxonServerConnectionFactory"}) {
                assertThatThrownBy(() -> Class.forName(name)).as(name).isInstanceOf(ClassNotFoundException.class);
            }
            // ... but its package is not quite empty: axon-messaging itself ships one class under that name
            // (IgnoredResponseType, kept there so that serialized subscription queries stay readable).
            // Anything else in the package would mean the connector came in.
            JavaClasses inConnectorPackage = new ClassFileImporter().importPackages("org.axonframework.axonserver.connector");
            assertThat(inConnectorPackage).extracting(c -> c.getName())
                    .containsExactly("org.axonframework.axonserver.connector.query.subscription.IgnoredResponseType");
            assertThat(inConnectorPackage.get("org.axonframework.axonserver.connector.query.subscription.IgnoredResponseType")
                    .getSource().orElseThrow().getUri().toString()).contains("axon-messaging-");
        }

        @Test
        void hasNoCommandLineLibraryNorUnusedFlywayModule() {
            // What an embedder gets: the command line (and picocli) is ledger-cli's, and Flyway's CockroachDB
            // module, which flyway-database-postgresql would pull in, is excluded.
            for (String name : new String[]{"picocli.CommandLine", "dev.ledger.cli.LedgerCommandLine",
                    "org.flywaydb.database.cockroachdb.CockroachDBDatabaseType"}) {
                assertThatThrownBy(() -> Class.forName(name)).as(name).isInstanceOf(ClassNotFoundException.class);
            }
        }

        @Test
        void theseChecksWouldSeeAClassThatIsThere() {
            // The same two ways of looking do find a class that is on the classpath.
            assertThat(new ClassFileImporter().importPackages("org.axonframework.eventsourcing.eventstore.jdbc")).isNotEmpty();
            assertThat(Thread.currentThread().getContextClassLoader().getResource("org/axonframework/eventsourcing/eventstore/jdbc")).isNotNull();
        }
    }
}
