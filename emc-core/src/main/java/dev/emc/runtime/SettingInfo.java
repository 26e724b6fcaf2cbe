package dev.emc.runtime;

/**
 * A number set at fit time.
 *
 * @param kind "covariance-regularization": Ψ for the data variable {@code data}, one entry per
 *     column (the diagonal of Ψ)
 */
public record SettingInfo(String name, String kind, String data, int length) {}
