"""Layer 2: op families. Each module registers its ops and defines their builders."""
