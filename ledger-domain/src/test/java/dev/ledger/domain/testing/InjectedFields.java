package dev.ledger.domain.testing;

import dev.ledger.domain.support.Injected;
import org.axonframework.modelling.saga.SimpleResourceInjector;

/**
 * Fills saga fields marked {@link Injected}, as the ledger's injector does. Axon's test fixtures inject
 * only fields marked {@code @Inject}/{@code @Autowired}, and the domain carries no injection library,
 * so a saga test registers this one ({@code SagaTestFixture.registerResourceInjector}).
 */
public final class InjectedFields extends SimpleResourceInjector {

    public InjectedFields(Object... resources) {
        super(resources);
    }

    @Override
    protected String[] injectorAnnotationNames() {
        return new String[]{Injected.class.getName()};
    }
}
