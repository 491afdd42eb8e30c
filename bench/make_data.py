"""Writes bench/data_1m.csv: 1,000,000 rows of mixed types with missing values (seeded, stdlib only)."""
import random, sys

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rng = random.Random(42)
cities = [f"city_{i}" for i in range(8)]
colors = ["red", "green", "blue", "black", "white"]
products = [f"p{i}" for i in range(500)]
with open("bench/data_1m.csv", "w") as f:
    f.write("id,age,income,score,visits,city,color,product,target\n")
    for i in range(rows):
        age = "" if rng.random() < 0.05 else f"{rng.uniform(18, 90):.1f}"
        income = "" if rng.random() < 0.1 else f"{rng.lognormvariate(10, 1):.2f}"
        score = f"{rng.gauss(0, 1):.4f}"
        visits = str(rng.randint(0, 30))
        city = "" if rng.random() < 0.03 else rng.choice(cities)
        color = rng.choice(colors)
        product = rng.choice(products)
        target = int(rng.random() < 0.3 + 0.2 * (color == "red"))
        f.write(f"{i},{age},{income},{score},{visits},{city},{color},{product},{target}\n")
