package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link StockTomcatDropInTests} on Apache Tomcat 10.1.59, the older supported line. */
@Order(31)
class StockTomcat101DropInIT extends StockTomcatDropInTests {

    @Override
    String version() {
        return "10.1.59";
    }
}
