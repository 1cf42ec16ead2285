def gaussian_with_width(sigma):
    return (lambda x: torch.exp(-x**2 / (2*sigma**2)))

kernels = [gaussian_with_width(sigma) for sigma in (0.1, 0.2, 0.5, 1)]
names = ['Gaussian ' + str(sigma) for sigma in (0.1, 0.2, 0.5, 1)]
plot(x_train, y_train, x_val, y_val, kernels, names)
plot(x_train, y_train, x_val, y_val, kernels, names, attention=True)
