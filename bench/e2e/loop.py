# CPython's side of loop.buf
s = 0.0
for i in range(1, 20000001):
    s = s + i * 0.5
print(s)
