package dev.portcullis.realworld;

import org.junit.jupiter.api.Order;

/** {@link StockTomcatOperationsTests} on Apache Tomcat 11.0.24. */
@Order(31)
class StockTomcat11OperationsIT extends StockTomcatOperationsTests {

    @Override
    String version() {
        return "11.0.24";
    }
}
