package dev.wallet.messaging;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import dev.wallet.Outcome;

/**
 * One DEBUG line per outcome, published or a {@code Duplicate} (nothing published), with eventId, userId,
 * partition and offset as MDC fields (in JSON logs: {@code mdc.eventId}...) for a log pipeline to index. Never a
 * balance or an amount: those are personal data, and the output topics hold them.
 */
final class OutcomeLog {

    /** All lower case, so that an environment variable can set its level. */
    private static final String CATEGORY = "dev.wallet.outcomes";
    private static final Logger LOG = Logger.getLogger(CATEGORY);

    private OutcomeLog() {
    }

    static void published(List<Outcome> outcomes, List<ConsumerRecord<String, byte[]>> sources) {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        for (int i = 0; i < outcomes.size(); i++) {
            Outcome outcome = outcomes.get(i);
            ConsumerRecord<String, byte[]> source = sources.get(i);
            // An invalid record may have neither.
            putIfKnown("eventId", outcome.eventId());
            putIfKnown("userId", outcome.userId());
            MDC.put("partition", source.partition());
            MDC.put("offset", source.offset());
            try {
                LOG.debug(outcome instanceof Outcome.Rejected rejected ? "Rejected: " + rejected.reason()
                        : outcome instanceof Outcome.Applied ? "Applied" : "Duplicate: published before");
            } finally {
                MDC.remove("eventId");
                MDC.remove("userId");
                MDC.remove("partition");
                MDC.remove("offset");
            }
        }
    }

    private static void putIfKnown(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
