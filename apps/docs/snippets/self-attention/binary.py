for i in range(8):
    print(f'{i} in binary is {i:>03b}')
