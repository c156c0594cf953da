# Group thousands in Chinese too (15,211 not 15211), as statistical releases in Shenzhen and Hong Kong do.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
